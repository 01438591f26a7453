import TandemReplicator

/// `tandem drift --data` for a terminal and for Markdown: one line or row per replication, with up to a few keys of
/// each finding.
struct DataDriftRenderer {
    let terminal: Terminal

    /// Lines for a terminal.
    func render(_ results: [DataDriftResult]) -> [String] {
        guard !results.isEmpty else { return ["Data: the state manages no replication to compare.", ""] }
        var lines = [terminal.styled("Data (objects of each replication):", .bold)]
        for result in results {
            let heading = "  \(result.address) \(result.replication): \(result.source) -> \(result.target)"
            guard let findings = result.findings else {
                lines.append(heading + ": " + terminal.styled("not compared", .yellow) + " (\(result.reason ?? result.status.rawValue))")
                continue
            }
            let style: Terminal.Style = findings.inSync ? .green : .red
            lines.append(heading + ": " + terminal.styled(Self.summary(findings), style))
            for (label, keys) in [("missing", findings.missingKeys), ("extra", findings.extraKeys), ("different", findings.differentKeys)] where !keys.isEmpty {
                lines.append("      \(label): " + keys.prefix(5).joined(separator: ", ") + (keys.count > 5 ? ", ..." : ""))
            }
        }
        lines.append("")
        return lines
    }

    /// `checked 120 (sampled), 1 missing, 0 extra, 0 different, 2 pending`.
    static func summary(_ findings: ReplicaAudit.Findings) -> String {
        var parts = ["checked \(findings.checked)\(findings.sampled ? " (sampled)" : "")", "\(findings.missing) missing",
                     findings.sampled ? "extra not looked for" : "\(findings.extra) extra", "\(findings.different) different"]
        if findings.pending > 0 { parts.append("\(findings.pending) pending (younger than the grace period)") }
        if findings.sizeOnly > 0 { parts.append("\(findings.sizeOnly) compared by size only (multipart ETags; --checksum reads them)") }
        return parts.joined(separator: ", ")
    }

    /// Markdown rows.
    static func markdown(_ results: [DataDriftResult]) -> [String] {
        var lines = ["", "### Objects of each replication", "", "| resource | replication | source -> target | result | keys |", "|---|---|---|---|---|"]
        for result in results {
            let keys = (result.findings.map { $0.missingKeys.prefix(3).map { "missing `\($0)`" } + $0.extraKeys.prefix(3).map { "extra `\($0)`" }
                + $0.differentKeys.prefix(3).map { "different `\($0)`" } } ?? []).joined(separator: "<br>")
            let outcome = result.findings.map(summary) ?? "not compared: \(result.reason ?? result.status.rawValue)"
            lines.append("| `\(result.address)` | \(result.replication) | `\(result.source)` -> `\(result.target)` | \(outcome) | \(keys) |")
        }
        return lines
    }
}

/// Durations written as a number and a unit: `30s`, `5m`, `1h` (a bare number is seconds).
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
        if let unit = text.last, let factor = units[unit], let number = Int64(text.dropLast()), number >= 0 { return .seconds(number * factor) }
        return Int64(text).flatMap { $0 >= 0 ? .seconds($0) : nil }
    }
}
