import Foundation
import TandemCore

/// Renders diagnostics the way compilers do: severity and summary, `file:line:col`, the source line with a caret
/// under the span, then the detail.
public struct DiagnosticRenderer {
    /// Source text by file path, for quoting the offending line.
    public var sources: [String: String]
    /// Where to write.
    public var terminal: Terminal

    /// Creates a renderer.
    public init(sources: [String: String], terminal: Terminal) {
        self.sources = sources
        self.terminal = terminal
    }

    /// The rendered text of one diagnostic.
    public func render(_ diagnostic: Diagnostic) -> String {
        let label = diagnostic.severity == .error ? terminal.styled("Error:", .red) : terminal.styled("Warning:", .yellow)
        var lines = ["\(terminal.styled(label, .bold)) \(terminal.styled(diagnostic.summary, .bold))"]
        if let range = diagnostic.range {
            lines.append("")
            let address = diagnostic.address.map { ", in \($0)" } ?? ""
            lines.append("  on \(range)\(address):")
            // Files not loaded by this command (a --var-file, or an error raised after loading) are read on demand.
            if let source = sources[range.file] ?? (try? String(contentsOfFile: range.file, encoding: .utf8)) {
                let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
                if range.start.line >= 1, range.start.line <= sourceLines.count {
                    let text = String(sourceLines[range.start.line - 1])
                    let number = String(range.start.line)
                    let gutter = String(repeating: " ", count: number.count)
                    let width = range.end.line == range.start.line ? max(1, range.end.column - range.start.column) : max(1, text.count - range.start.column + 1)
                    lines.append("  \(number) | \(text)")
                    lines.append("  \(gutter) | \(String(repeating: " ", count: max(0, range.start.column - 1)))\(terminal.styled(String(repeating: "^", count: width), .red))")
                }
            }
        } else if let address = diagnostic.address {
            lines.append("")
            lines.append("  with \(address)")
        }
        if let detail = diagnostic.detail, !detail.isEmpty {
            lines.append("")
            lines.append(detail)
        }
        return lines.joined(separator: "\n")
    }

    /// Writes every diagnostic to stderr, separated by blank lines.
    public func emit(_ diagnostics: Diagnostics) {
        for diagnostic in diagnostics {
            terminal.errorLine(render(diagnostic) + "\n")
        }
    }
}
