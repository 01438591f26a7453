import AWSClient
import ArgumentParser
import Foundation
import TandemCore
import TandemReplicator

/// `tandem replicator`: the bundled event-driven S3 <-> S3 copier that apply provisions.
struct ReplicatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicator", abstract: "Run the bundled replicator.", subcommands: [ReplicatorRunCommand.self, ReplicatorBackfillCommand.self, ReplicatorStatusCommand.self])

    /// Reads the runtime configuration, or prints why it cannot be used and exits 1.
    static func load(_ path: String) throws -> ReplicatorConfiguration {
        do {
            return try ReplicatorConfiguration.load(path: path)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `tandem replicator run --config FILE`: runs until SIGTERM or Ctrl-C, logging one JSON object per line to stderr.
struct ReplicatorRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Replicate events as the configuration says, until SIGTERM.")

    @Option(name: .long, help: "The runtime configuration (JSON, written by tandem apply).")
    var config: String

    func run() async throws {
        let configuration = try ReplicatorCommand.load(config)
        let replicator = Replicator(configuration: configuration, log: JSONLog.write)
        do {
            try await replicator.run(stopsOnSignals: true)
        } catch {
            JSONLog.write("fatal: \(error)")
            throw ExitCode(1)
        }
    }
}

/// `tandem replicator backfill --config FILE [--pipeline NAME]`: reconciles existing objects now.
struct ReplicatorBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backfill",
                                                    abstract: "Copy existing objects the target lacks or holds differently (a streaming merge of both listings).")

    @Option(name: .long, help: "The runtime configuration (JSON, written by tandem apply).")
    var config: String

    @Option(name: .long, help: "Only this pipeline (default: all).")
    var pipeline: String?

    func run() async throws {
        let configuration = try ReplicatorCommand.load(config)
        let selected = configuration.pipelines.filter { pipeline == nil || $0.name == pipeline }
        guard !selected.isEmpty else {
            FileHandle.standardError.write(Data("Error: no pipeline named \(pipeline ?? "") in \(config)\n".utf8))
            throw ExitCode(1)
        }
        let transport = AWSTransport(connectionsPerHost: Replicator.connections(for: selected))
        defer { Task { try? await transport.shutdown() } }
        var failed = 0
        for pipelineConfiguration in selected {
            let summary = try await Backfill(pipeline: try Pipeline(pipelineConfiguration, transport: transport)).run(progress: JSONLog.write)
            print("\(pipelineConfiguration.name): \(summary.examined) examined, \(summary.copied) copied (\(summary.bytes) bytes), \(summary.alreadyCurrent) already current, \(summary.failed) failed")
            failed += summary.failed
        }
        // Objects whose copy failed were logged; the command fails so scripts notice.
        if failed > 0 { throw ExitCode(1) }
    }
}

/// One JSON object per line on standard error: `{"time": …, "message": …}`.
enum JSONLog {
    static func write(_ message: String) {
        let line: [String: String] = ["time": Date().rfc3339, "message": message]
        guard let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
