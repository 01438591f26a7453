import ArgumentParser
import Foundation
import TandemReplicator

/// `tandem migration run`: what a `tandem_migration`'s Kubernetes Job runs.
struct MigrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migration",
        abstract: "Run a tandem_migration's sync from its document (what its Kubernetes Job does).",
        subcommands: [MigrationRunCommand.self])
}

/// Runs the sync a document describes, progress as JSON lines on stderr, and writes the outcome as JSON to `--outcome`
/// (a Job's pod: its termination message, which apply reads back) and to standard output.
struct MigrationRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the sync a migration document describes (exit 0, 1 error, 2 differences after a cutover).")

    @Option(help: "The sync document (JSON with the endpoints' keys: 0600, or a Secret mounted read-only).")
    var config: String

    @Option(help: "Also write the outcome (JSON) here, e.g. /dev/termination-log.")
    var outcome: String?

    func run() async throws {
        let terminal = Terminal(noColor: true)
        let status: Int32
        do {
            guard let data = FileManager.default.contents(atPath: config) else { throw ValidationError("Cannot read \(config).") }
            let document = try ObjectSync.Document.decode(data, path: config)
            let sync = try ObjectSync(document, environment: ProcessInfo.processInfo.environment)
            let report = SyncReport(terminal: terminal, phase: document.options.phase, dryRun: document.options.dryRun,
                                    wholeStore: document.source.bucket.isEmpty)
            let result = try await sync.run(report.tell)
            report.finish(result)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = try encoder.encode(result)
            if let outcome { try json.write(to: URL(fileURLWithPath: outcome)) }
            terminal.line(String(decoding: json, as: UTF8.self))
            status = result.status
        } catch {
            terminal.errorLine("Error: \(error)")
            if let outcome { try? Data("{\"error\":\(Self.quoted("\(error)"))}".utf8).write(to: URL(fileURLWithPath: outcome)) }
            status = 1
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// `text` as a JSON string.
    private static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
