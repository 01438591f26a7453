import Foundation
import TandemCore
import TandemState

/// Saved plans (`plan --out FILE`): written mode 0600 (they hold variable values), applied at most once,
/// and only against the state and configuration they were made from.
public enum PlanFile {
    /// Writes `plan` to `path` atomically, mode 0600.
    public static func write(_ plan: Plan, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try LocalStateStore.writeAtomically(try encoder.encode(plan), to: path)
    }

    /// Reads a saved plan.
    public static func read(_ path: String) throws -> Plan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostics([.error("Cannot read plan file \"\(path)\"")])
        }
        struct VersionProbe: Decodable { var format_version: Int }
        guard let probe = try? JSONDecoder().decode(VersionProbe.self, from: data) else {
            throw Diagnostics([.error("\"\(path)\" is not a Tandem plan file")])
        }
        guard probe.format_version <= Plan.currentFormatVersion else {
            throw Diagnostics([.error("Plan file \"\(path)\" has format version \(probe.format_version)",
                                      detail: "This Tandem understands up to version \(Plan.currentFormatVersion); upgrade Tandem.")])
        }
        do {
            return try JSONDecoder().decode(Plan.self, from: data)
        } catch {
            throw Diagnostics([.error("Plan file \"\(path)\" is damaged", detail: "\(error)")])
        }
    }

    /// Errors when the plan must not be applied: already applied, made against another state, or the configuration changed.
    public static func checkApplicable(_ plan: Plan, state: StateFile?, configurationDigest: String) -> Diagnostics {
        var diagnostics = Diagnostics()
        let remake = "Run tandem plan again and review the new plan."
        if let state, state.appliedPlans.contains(plan.id) {
            diagnostics.append(.error("This plan was already applied", detail: "Plan \(plan.id) was applied to this state before; a saved plan is single-use. \(remake)"))
            return diagnostics
        }
        switch (plan.stamp.lineage, state) {
        case (nil, let state?):
            diagnostics.append(.error("Saved plan is stale",
                                      detail: "The plan was made when no state existed, but the state now exists (serial \(state.serial)). \(remake)"))
        case (let lineage?, nil):
            diagnostics.append(.error("Saved plan is stale",
                                      detail: "The plan was made against state lineage \(lineage), but no state exists now. \(remake)"))
        case (let lineage?, let state?) where lineage != state.lineage:
            diagnostics.append(.error("Saved plan belongs to another state",
                                      detail: "The plan was made against lineage \(lineage); this state's lineage is \(state.lineage). \(remake)"))
        case (_, let state?) where plan.stamp.serial != state.serial:
            diagnostics.append(.error("Saved plan is stale",
                                      detail: "The state changed since the plan was made (serial \(plan.stamp.serial ?? 0) then, \(state.serial) now). \(remake)"))
        default:
            break
        }
        if plan.stamp.configurationDigest != configurationDigest {
            diagnostics.append(.error("Configuration changed since the plan was made",
                                      detail: "The *.tandem.yaml files differ from the ones the plan was made from. \(remake)"))
        }
        return diagnostics
    }
}
