import Foundation
import TandemCore

/// A change a reviewer should look at twice (`tandem review` lists them first).
public struct PlanRisk: Codable, Sendable, Equatable, Hashable {
    /// What kind of risk.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// An object is deleted.
        case delete
        /// An object is deleted and made again.
        case replace
        /// A policy allows more: an Allow statement added or widened (action, principal or resource), a Deny
        /// removed or narrowed, or a condition removed.
        case policyLoosened = "policy_loosened"
        /// Replication or a sync flow stops (a rule disabled or removed, a replicator or sync object deleted).
        case replicationDisabled = "replication_disabled"
        /// Bucket versioning suspended.
        case versioningDisabled = "versioning_disabled"
        /// Delete markers no longer replicated.
        case deleteMarkerReplicationOff = "delete_marker_replication_off"
        /// Public access opened: a public-access block relaxed, a public ACL, or a policy allowing everyone.
        case publicAccessOpened = "public_access_opened"
        /// A secret changes: a sensitive attribute updated, or an object holding secrets replaced.
        case secretRotated = "secret_rotated"
    }

    /// What kind of risk.
    public var kind: Kind
    /// The resource.
    public var address: String
    /// One line saying what exactly.
    public var detail: String

    /// Creates a risk.
    public init(kind: Kind, address: String, detail: String) {
        self.kind = kind
        self.address = address
        self.detail = detail
    }
}

extension Plan {
    /// The risky items of the plan, in plan order.
    public var risks: [PlanRisk] {
        (resourceChanges + deposedDeletes).flatMap(PlanRiskFinder.risks(of:))
    }
}

/// Finds risks in one resource change from its action and attribute changes; the rules read attribute names shared
/// by the providers (`versioning`, `delete_marker_replication`, `block_public_*`, policy documents, sensitive
/// attributes), so they hold for every provider using those names.
enum PlanRiskFinder {
    static let publicAccessBlockFlags: Set<String> = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
    static let publicACLs: Set<String> = ["public-read", "public-read-write", "authenticated-read"]
    static let onValues: Set<String> = ["enabled", "true"]

    static func risks(of change: ResourceChange) -> [PlanRisk] {
        let address = change.address.description
        var risks: [PlanRisk] = []
        func add(_ kind: PlanRisk.Kind, _ detail: String) { risks.append(PlanRisk(kind: kind, address: address, detail: detail)) }
        let type = change.address.type
        switch change.action {
        case .delete:
            add(.delete, "\(type) deleted")
            if carriesReplication(type) { add(.replicationDisabled, "\(type) deleted: what it replicates stops") }
            return risks
        case .replace:
            let causes = change.attributeChanges.filter(\.forcesReplacement).map(\.path)
            add(.replace, causes.isEmpty ? "\(type) replaced" : "\(type) replaced because \(causes.joined(separator: ", ")) changed")
            if !change.sensitiveAttributes.isEmpty { add(.secretRotated, "replacing it makes new \(change.sensitiveAttributes.joined(separator: ", "))") }
        case .create, .update, .noop:
            break
        }
        for attribute in change.attributeChanges {
            risks += attributeRisks(attribute, isCreate: change.action == .create).map { PlanRisk(kind: $0.0, address: address, detail: $0.1) }
        }
        return risks
    }

    private static func carriesReplication(_ type: String) -> Bool {
        type.contains("replication") || type.hasPrefix("ceph_sync_") || type == "tandem_replicator"
    }

    private static func attributeRisks(_ change: AttributeChange, isCreate: Bool) -> [(PlanRisk.Kind, String)] {
        let path = change.path
        let name = String(path.split(separator: ".").last ?? Substring(path))
        var risks: [(PlanRisk.Kind, String)] = []
        if PolicyDocument.isPolicy(change.before) || PolicyDocument.isPolicy(change.afterValue) {
            return policyRisks(path: path, before: isCreate ? nil : change.before, after: change.afterValue)
        }
        if isCreate { return [] }
        if change.sensitive, change.before != nil {
            risks.append((.secretRotated, "\(path) changes"))
        }
        let wasOn = change.before.map(isOn) ?? false
        let isNowOn = change.afterValue.map(isOn) ?? false
        if wasOn, !isNowOn, change.afterValue != .unknown {
            let now = change.afterValue.map(ValueText.short) ?? "removed"
            if path.contains("delete_marker") {
                risks.append((.deleteMarkerReplicationOff, "\(path): \(ValueText.short(change.before!)) -> \(now)"))
            } else if name == "versioning" || path.contains("versioning") {
                risks.append((.versioningDisabled, "\(path): \(ValueText.short(change.before!)) -> \(now)"))
            } else if publicAccessBlockFlags.contains(name) {
                risks.append((.publicAccessOpened, "\(path): \(ValueText.short(change.before!)) -> \(now)"))
            } else if path.contains("rule") || path.contains("replication") || path.contains("sync") || name == "status" {
                risks.append((.replicationDisabled, "\(path): \(ValueText.short(change.before!)) -> \(now)"))
            }
        }
        if name == "acl", let acl = change.afterValue?.stringValue, publicACLs.contains(acl) {
            risks.append((.publicAccessOpened, "\(path) = \(acl)"))
        }
        if (name == "rule" || name == "rules"), let before = change.before?.listValue {
            let after = change.afterValue?.listValue ?? []
            if after.count < before.count { risks.append((.replicationDisabled, "\(path): \(before.count - after.count) rule(s) removed")) }
        }
        return risks
    }

    private static func isOn(_ value: Value) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string(let text): return onValues.contains(text.lowercased())
        default: return false
        }
    }

    /// What a policy change loosens, statement by statement; a new policy only counts when it opens public access.
    private static func policyRisks(path: String, before: Value?, after: Value?) -> [(PlanRisk.Kind, String)] {
        var risks: [(PlanRisk.Kind, String)] = []
        for statement in PolicyDocument.statementChanges(before: before, after: after) {
            let label = statement.sid.map { "\(path): statement \"\($0)\"" } ?? "\(path): a statement"
            let oldAllows = statement.before?["Effect"].stringValue == "Allow"
            let newAllows = statement.after?["Effect"].stringValue == "Allow"
            if newAllows, let new = statement.after, allowsEveryone(new), !(oldAllows && statement.before.map(allowsEveryone) == true) {
                risks.append((.publicAccessOpened, "\(label) allows every principal (\"*\")"))
            }
            guard before != nil else { continue }
            switch statement.kind {
            case .added where newAllows:
                risks.append((.policyLoosened, "\(label) added, allowing \(ValueText.short(statement.after?["Action"] ?? .null))"))
            case .removed where statement.before?["Effect"].stringValue == "Deny":
                risks.append((.policyLoosened, "\(label) (Deny) removed"))
            case .changed:
                guard let old = statement.before, let new = statement.after else { continue }
                if !oldAllows, newAllows {
                    risks.append((.policyLoosened, "\(label) turned from Deny to Allow"))
                    continue
                }
                let widened = newAllows ? ["Action", "Principal", "Resource"] : []
                let narrowed = !newAllows ? ["Action", "Principal", "Resource"] : []
                for element in widened where grows(old[element], new[element]) {
                    risks.append((.policyLoosened, "\(label): \(element) widened to \(ValueText.short(new[element]))"))
                }
                for element in narrowed where grows(new[element], old[element]) {
                    risks.append((.policyLoosened, "\(label) (Deny): \(element) narrowed to \(ValueText.short(new[element]))"))
                }
                if old["Condition"] != .null, old["Condition"] != new["Condition"],
                   Set(keys(of: old["Condition"])).subtracting(keys(of: new["Condition"])).isEmpty == false || new["Condition"] == .null {
                    risks.append((.policyLoosened, "\(label): condition removed"))
                }
            default:
                continue
            }
        }
        return risks
    }

    /// Condition operator/key pairs (`StringEquals/aws:SourceArn`).
    private static func keys(of condition: Value) -> [String] {
        (condition.mapValue ?? [:]).flatMap { operation, entries in (entries.mapValue ?? [:]).keys.map { "\(operation)/\($0)" } }
    }

    /// True when `after` admits something `before` did not: a new element, or a wildcard.
    private static func grows(_ before: Value, _ after: Value) -> Bool {
        let old = Set(elements(before)), new = Set(elements(after))
        if new.isEmpty && !old.isEmpty { return false }
        if new.contains(where: { $0 == "*" || $0.hasSuffix(":*") && !old.contains($0) }) && !old.contains("*") { return true }
        return !new.subtracting(old).isEmpty
    }

    /// The strings of a policy element (a string, a list, or a principal map of them).
    private static func elements(_ value: Value) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .list(let items): return items.flatMap(elements)
        case .map(let entries): return entries.flatMap { key, value in elements(value).map { $0 == "*" ? "*" : "\(key):\($0)" } }
        default: return []
        }
    }

    private static func allowsEveryone(_ statement: Value) -> Bool {
        elements(statement["Principal"]).contains("*") && statement["Condition"] == .null
    }
}

/// Values shortened for one-line risk details.
enum ValueText {
    static func short(_ value: Value) -> String {
        let text: String
        switch value {
        case .string(let string): text = "\"\(string)\""
        case .null: text = "null"
        case .unknown: text = "(known after apply)"
        default:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        }
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}
