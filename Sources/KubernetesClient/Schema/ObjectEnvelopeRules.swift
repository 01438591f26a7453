import Foundation
import TandemCore

/// The API server's own rules for the envelope of a Kubernetes object (`apiVersion`, `kind`, `metadata`), which a
/// CRD schema does not describe: at a custom resource's root and inside `x-kubernetes-embedded-resource` fields.
/// The server coerces `metadata` into ObjectMeta and drops what ObjectMeta does not have, so those fields are
/// reported as unknown too.
enum ObjectEnvelopeRules {
    /// The envelope's fields.
    static let fields = ["apiVersion", "kind", "metadata"]

    /// The fields of ObjectMeta (Kubernetes 1.20).
    static let metadataFields = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "clusterName", "managedFields",
    ]

    /// An embedded object: `apiVersion` and `kind` required non-empty strings, `metadata` a loose ObjectMeta.
    static func embeddedViolations(_ entries: [String: Value], at path: FieldPath) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        for field in ["apiVersion", "kind"] {
            switch entries[field] {
            case nil:
                violations.append(SchemaViolation(path: path, message: "missing required field \"\(field)\" (an embedded Kubernetes object needs apiVersion and kind)"))
            case .string(let text)? where text.isEmpty:
                violations.append(SchemaViolation(path: path.appending(field), message: "must not be empty"))
            case .string?, .unknown?:
                break
            case let other?:
                violations.append(SchemaViolation(path: path.appending(field), message: "must be a string, not \(SchemaValidator.describe(other))"))
            }
        }
        if let metadata = entries["metadata"] {
            violations += metadataViolations(metadata, at: path.appending("metadata"), requiresName: false)
        }
        return violations
    }

    /// `metadata` checked as the API server coerces and validates ObjectMeta: field types, unknown fields, the
    /// name (a DNS subdomain), the namespace (a DNS label), label and annotation keys and values, finalizers.
    static func metadataViolations(_ metadata: Value, at path: FieldPath, requiresName: Bool) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        func report(_ where: FieldPath, _ message: String) { violations.append(SchemaViolation(path: `where`, message: message)) }
        guard case .map(let written) = metadata else {
            if metadata != .unknown { report(path, "must be a map, not \(SchemaValidator.describe(metadata))") }
            return violations
        }
        // Nulls are dropped when the server reads ObjectMeta (`creationTimestamp: null` is in many generated samples).
        let entries = written.filter { $0.value != .null }
        if requiresName, entries["name"] == nil, entries["generateName"] == nil {
            report(path, "missing required field \"name\"")
        }
        for key in entries.keys.sorted() {
            let value = entries[key]!, field = path.appending(key)
            if value == .unknown { continue }
            switch key {
            case "name", "generateName":
                guard let text = stringOrReport(value, at: field, &violations) else { continue }
                // generateName gets a random suffix, so only its characters matter, not how it ends.
                if let problem = dnsSubdomainProblem(key == "generateName" ? text + "x" : text) { report(field, "\(SchemaValidator.quoted(text)) \(problem)") }
            case "namespace":
                guard let text = stringOrReport(value, at: field, &violations) else { continue }
                if let problem = dnsLabelProblem(text) { report(field, "\(SchemaValidator.quoted(text)) \(problem)") }
            case "labels":
                violations += stringMapViolations(value, at: field) { name, text in
                    qualifiedNameProblem(name) ?? labelValueProblem(text)
                }
            case "annotations":
                // The server checks annotation keys lower-cased.
                violations += stringMapViolations(value, at: field) { name, _ in qualifiedNameProblem(name.lowercased(), writtenAs: name) }
            case "finalizers":
                guard case .list(let items) = value else {
                    report(field, "must be a list of strings, not \(SchemaValidator.describe(value))")
                    continue
                }
                for (index, item) in items.enumerated() where item != .unknown {
                    guard let text = stringOrReport(item, at: field.appending(index), &violations) else { continue }
                    if let problem = qualifiedNameProblem(text) { report(field.appending(index), "\(SchemaValidator.quoted(text)) \(problem)") }
                }
            case "ownerReferences", "managedFields":
                if value.listValue == nil { report(field, "must be a list, not \(SchemaValidator.describe(value))") }
            case "generation", "deletionGracePeriodSeconds":
                if value.intValue == nil { report(field, "must be an integer, not \(SchemaValidator.describe(value))") }
            case _ where metadataFields.contains(key):
                _ = stringOrReport(value, at: field, &violations)
            default:
                let suggestion = Suggestions.closest(to: key, in: metadataFields).map { "; did you mean \(path.appending($0))?" } ?? ""
                report(field, "unknown field \"\(key)\" (the API server would drop it)\(suggestion)")
            }
        }
        return violations
    }

    private static func stringOrReport(_ value: Value, at path: FieldPath, _ violations: inout [SchemaViolation]) -> String? {
        if let text = value.stringValue { return text }
        violations.append(SchemaViolation(path: path, message: "must be a string, not \(SchemaValidator.describe(value))"))
        return nil
    }

    /// A map of strings to strings whose keys and values pass `problem`.
    private static func stringMapViolations(_ value: Value, at path: FieldPath,
                                            problem: (String, String) -> String?) -> [SchemaViolation] {
        guard case .map(let entries) = value else {
            return [SchemaViolation(path: path, message: "must be a map of strings, not \(SchemaValidator.describe(value))")]
        }
        var violations: [SchemaViolation] = []
        for key in entries.keys.sorted() {
            let entry = entries[key]!
            if entry == .unknown { continue }
            guard let text = stringOrReport(entry, at: path.appending(key), &violations) else { continue }
            if let message = problem(key, text) { violations.append(SchemaViolation(path: path.appending(key), message: message)) }
        }
        return violations
    }

    private static let dnsLabel = try! NSRegularExpression(pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private static let dnsSubdomain = try! NSRegularExpression(pattern: #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#)
    private static let qualifiedNamePart = try! NSRegularExpression(pattern: "^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")

    private static func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func dnsLabelProblem(_ text: String) -> String? {
        if text.count > 63 { return "is longer than 63 characters" }
        return matches(dnsLabel, text) ? nil : "is not a DNS label (lower-case letters, digits and '-', starting and ending with a letter or digit)"
    }

    static func dnsSubdomainProblem(_ text: String) -> String? {
        if text.count > 253 { return "is longer than 253 characters" }
        return matches(dnsSubdomain, text) ? nil
            : "is not a DNS subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)"
    }

    /// Label and annotation keys: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
    static func qualifiedNameProblem(_ checked: String, writtenAs key: String? = nil) -> String? {
        let key = key ?? checked
        let parts = checked.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts.last ?? "")
        if parts.count > 2 { return "key \(SchemaValidator.quoted(key)) has more than one '/'" }
        if parts.count == 2, let problem = dnsSubdomainProblem(String(parts[0])) {
            return "the prefix of key \(SchemaValidator.quoted(key)) \(problem)"
        }
        if name.isEmpty || name.count > 63 || !matches(qualifiedNamePart, name) {
            return "key \(SchemaValidator.quoted(key)) is not a valid name (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
        }
        return nil
    }

    static func labelValueProblem(_ value: String) -> String? {
        if value.isEmpty { return nil }
        if value.count <= 63, matches(qualifiedNamePart, value) { return nil }
        return "label value \(SchemaValidator.quoted(value)) is not valid (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
    }
}
