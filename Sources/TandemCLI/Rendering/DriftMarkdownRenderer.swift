import Foundation
import TandemCore
import TandemEngine

/// Renders a drift report as Markdown for issue trackers and pull-request comments: counts first, details after.
struct DriftMarkdownRenderer {
    func render(_ report: DriftCommand.Report) -> String {
        let data = report.data.map(DataDriftRenderer.markdown) ?? []
        guard report.drifted else {
            return (["## Tandem drift report", "", "No drift: the live objects match the state and the configuration."] + data).joined(separator: "\n") + "\n"
        }
        var lines = [
            "## Tandem drift report",
            "",
            "**Drift detected:** \(report.changedOutside.count) resource(s) changed outside Tandem, "
                + "\(report.configurationDifferences.count) resource(s) differ from the configuration"
                + (report.data.map { ", \($0.filter(\.drifted).count) replication(s) whose objects differ." } ?? "."),
        ]
        if !report.changedOutside.isEmpty {
            lines += ["", "### Changed outside Tandem", "", "| resource | attribute | last applied | live |", "|---|---|---|---|"]
            for drift in report.changedOutside {
                if drift.kind == .deleted {
                    lines.append("| `\(drift.address)` | *(whole object)* | exists | **deleted** |")
                }
                for change in drift.attributeChanges {
                    lines.append("| `\(drift.address)` | `\(change.path)` | \(cell(change.before)) | \(cell(change.after)) |")
                }
            }
        }
        if !report.configurationDifferences.isEmpty {
            lines += ["", "### What `tandem apply` would do", "", "| action | resource | attributes |", "|---|---|---|"]
            for change in report.configurationDifferences {
                let paths = change.attributeChanges.map { "`\($0.path)`" }.joined(separator: ", ")
                lines.append("| \(change.action.rawValue) | `\(change.address)` | \(paths) |")
            }
        }
        lines += data
        return lines.joined(separator: "\n") + "\n"
    }

    private func cell(_ value: Value?) -> String {
        "`" + ValueFormatter.format(value).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'") + "`"
    }
}
