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
                    let (text, column) = Self.window(String(sourceLines[range.start.line - 1]), around: range.start.column)
                    let number = String(range.start.line)
                    let gutter = String(repeating: " ", count: number.count)
                    let spanWidth = range.end.line == range.start.line ? range.end.column - range.start.column : text.count - column + 1
                    let width = max(1, min(spanWidth, text.count - column + 1))
                    lines.append("  \(number) | \(text)")
                    lines.append("  \(gutter) | \(String(repeating: " ", count: max(0, column - 1)))\(terminal.styled(String(repeating: "^", count: width), .red))")
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

    /// The most diagnostics printed in one run; the rest are counted, so a pathological input cannot flood the terminal.
    public static let maximumShown = 50

    /// The widest source excerpt shown; longer lines are cut around the column.
    static let maximumLineWidth = 120

    /// A line cut to at most `maximumLineWidth` characters around `column`, and the column within the cut.
    static func window(_ line: String, around column: Int) -> (String, Int) {
        guard line.count > maximumLineWidth else { return (line, column) }
        let start = max(0, min(column - 1 - maximumLineWidth / 3, line.count - maximumLineWidth))
        let characters = Array(line)
        let cut = String(characters[start..<min(characters.count, start + maximumLineWidth)])
        let prefix = start > 0 ? "…" : ""
        return (prefix + cut + (start + maximumLineWidth < characters.count ? "…" : ""), column - start + prefix.count)
    }

    /// Writes the diagnostics to stderr, separated by blank lines: errors first, at most `maximumShown`.
    public func emit(_ diagnostics: Diagnostics) {
        let ordered = diagnostics.errors + diagnostics.warnings
        for diagnostic in ordered.prefix(Self.maximumShown) {
            terminal.errorLine(render(diagnostic) + "\n")
        }
        if ordered.count > Self.maximumShown {
            let hiddenErrors = max(0, diagnostics.errors.count - Self.maximumShown)
            terminal.errorLine("… and \(ordered.count - Self.maximumShown) more (\(hiddenErrors) of them errors) not shown.\n")
        }
    }
}
