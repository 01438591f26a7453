import Foundation
import TandemCore
import TandemEngine

/// The drift check as node-exporter textfile metrics (`--prometheus FILE`), for a scheduled job: drifted resources
/// per kind and type, resources checked, whether the check succeeded, when it last did, and how long it took. A
/// failed check keeps the last success time of the file it replaces, so an alert on its age fires.
struct DriftTextfile {
    /// The stack (the configuration directory's name) and workspace, labels of every series.
    let stack: String
    let workspace: String

    /// One drifted resource: its type and how it drifted.
    struct Drifted: Hashable {
        var type: String
        /// `changed_outside`, `deleted_outside` or `differs_from_configuration`.
        var kind: String
    }

    private func labels(_ extra: [(String, String)] = []) -> String {
        let pairs = [("stack", stack), ("workspace", workspace)] + extra
        return "{" + pairs.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}"
    }

    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The file's text: `drifted` resources out of `checked`, `succeeded` or not, after `duration` seconds, at `now`;
    /// `previous` is the text of the file it replaces (for the last success time of a failed check).
    func render(drifted: [Drifted], checked: Int, succeeded: Bool, duration: Double, now: Date, previous: String?) -> String {
        var lines: [String] = []
        func series(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            lines += samples.map { "\(name)\($0.labels) \($0.value)" }
        }
        let counts = Dictionary(grouping: drifted, by: { $0 }).mapValues(\.count).sorted { ($0.key.kind, $0.key.type) < ($1.key.kind, $1.key.type) }
        series("tandem_drift_resources", "Resources that drifted, by kind (changed_outside, deleted_outside, differs_from_configuration) and type.",
               counts.map { (labels([("kind", $0.key.kind), ("type", $0.key.type)]), String($0.value)) })
        series("tandem_drift_drifted", "1 when the last check found drift, else 0.", [(labels(), drifted.isEmpty ? "0" : "1")])
        series("tandem_drift_resources_checked", "Resources the last check read.", [(labels(), String(checked))])
        series("tandem_drift_check_success", "1 when the last check completed, 0 when it failed (its other figures are then stale).",
               [(labels(), succeeded ? "1" : "0")])
        let lastSuccess = succeeded ? now.timeIntervalSince1970 : previousSuccess(in: previous)
        if let lastSuccess {
            series("tandem_drift_last_success_timestamp_seconds", "When a check last completed, in Unix seconds.",
                   [(labels(), Value.format(number: lastSuccess.rounded()))])
        }
        series("tandem_drift_check_duration_seconds", "How long the last check took.", [(labels(), String(format: "%.3f", duration))])
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `--data` series: per replication, objects checked, missing, extra, different and pending, and whether they
    /// are in sync (a replication that could not be compared has no series).
    func renderData(_ results: [DataDriftResult]) -> String {
        let checked = results.compactMap { result in result.findings.map { (result, $0) } }
        var lines = ["# HELP tandem_drift_data_objects Objects of a managed replication by kind (checked, missing, extra, different, pending).",
                     "# TYPE tandem_drift_data_objects gauge"]
        for (result, findings) in checked {
            for (kind, count) in [("checked", findings.checked), ("missing", findings.missing), ("extra", findings.extra),
                                  ("different", findings.different), ("pending", findings.pending)] {
                let series = labels([("resource", result.address), ("replication", result.replication), ("kind", kind)])
                lines.append("tandem_drift_data_objects\(series) \(count)")
            }
        }
        lines += ["# HELP tandem_drift_data_in_sync 1 when a replication's target holds its source's objects, else 0.", "# TYPE tandem_drift_data_in_sync gauge"]
        for (result, findings) in checked {
            let series = labels([("resource", result.address), ("replication", result.replication)])
            lines.append("tandem_drift_data_in_sync\(series) \(findings.inSync ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The last success time recorded for this stack and workspace in `text`.
    private func previousSuccess(in text: String?) -> Double? {
        let prefix = "tandem_drift_last_success_timestamp_seconds\(labels()) "
        return text?.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }

    /// The drifted resources of a drift report, each once: a resource changed or deleted outside Tandem also differs
    /// from the configuration (apply would put it back), and counts as changed or deleted outside.
    static func drifted(changedOutside: [ResourceDrift], differences: [ResourceChange]) -> [Drifted] {
        changedOutside.map { Drifted(type: $0.address.type, kind: $0.kind == .deleted ? "deleted_outside" : "changed_outside") }
            + configurationOnly(differences, changedOutside: changedOutside).map { Drifted(type: $0.address.type, kind: "differs_from_configuration") }
    }

    /// The differences from the configuration of resources that did not change outside Tandem.
    static func configurationOnly(_ differences: [ResourceChange], changedOutside: [ResourceDrift]) -> [ResourceChange] {
        let outside = Set(changedOutside.map(\.address))
        return differences.filter { !outside.contains($0.address) }
    }
}
