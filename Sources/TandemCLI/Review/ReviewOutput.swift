import Foundation
import TandemCore
import TandemEngine
import TandemState

/// The files `tandem review` writes into its output directory.
enum ReviewOutput {
    /// Creates the directory and `plans/` in it (0700: plans hold variable values), removing the Markdown parts and
    /// plans a previous review left there.
    static func prepare(_ directory: String) throws {
        let manager = FileManager.default
        for path in [directory, (directory as NSString).appendingPathComponent("plans")] {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        }
        for name in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where name == "review.md" || (name.hasPrefix("review.part-") && name.hasSuffix(".md")) {
            try manager.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
        let plans = (directory as NSString).appendingPathComponent("plans")
        for name in (try? manager.contentsOfDirectory(atPath: plans)) ?? [] where name.hasSuffix(".plan.json") {
            try manager.removeItem(atPath: (plans as NSString).appendingPathComponent(name))
        }
    }

    /// The saved plan's path relative to the output directory: `plans/stacks__prod.plan.json` (`root` for the root).
    static func planFile(for stack: String) -> String {
        "plans/\(stack == "." ? "root" : stack.replacingOccurrences(of: "/", with: "__")).plan.json"
    }

    /// Writes the parts as `review.md`, `review.part-2.md`, ...; their names, in order.
    static func writeMarkdown(_ parts: [String], to directory: String) throws -> [String] {
        let names = parts.indices.map { $0 == 0 ? "review.md" : "review.part-\($0 + 1).md" }
        for (name, part) in zip(names, parts) {
            try AtomicFile.write(Data(part.utf8), to: (directory as NSString).appendingPathComponent(name), mode: 0o644)
        }
        return names
    }

    /// Writes `review.json`.
    static func writeJSON(_ report: ReviewReport, to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(report) + Data("\n".utf8), to: (directory as NSString).appendingPathComponent("review.json"), mode: 0o644)
    }

    /// One line per error that stopped a stack's plan, for the review.
    static func describe(_ error: any Error, diagnostics: Diagnostics) -> [String] {
        switch error {
        case let diagnostics as Diagnostics: return diagnostics.errors.map(line)
        case let diagnostic as Diagnostic: return [line(diagnostic)]
        case let error as StateError: return ["state: \(error.description)"]
        case let error as ProviderError: return ["provider: \(error.message)"]
        default:
            let errors = diagnostics.errors.map(line)
            return errors.isEmpty ? ["\(error)".contains("ExitCode") ? "planning failed (see the job's log)" : "\(error)"] : errors
        }
    }

    private static func line(_ diagnostic: Diagnostic) -> String {
        (diagnostic.range.map { "\($0): " } ?? "") + diagnostic.summary + (diagnostic.detail.map { " (\($0))" } ?? "")
    }
}
