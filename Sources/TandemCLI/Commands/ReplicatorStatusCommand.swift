import AWSClient
import ArgumentParser
import Foundation
import TandemCore
import TandemEngine
import TandemReplicator

/// `tandem replicator status`: each replicator's health and counters, asked from its `/status` endpoint. The
/// replicators are the state's `tandem_replicator` resources, or the one a `--config` file describes. Exits 1 when
/// one does not answer or is not ready (for scheduled checks).
struct ReplicatorStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show each replicator's pipelines, health and counters.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Ask the replicator of this runtime configuration instead of the state's tandem_replicator resources.")
    var config: String?

    @Flag(help: "Print JSON.")
    var json = false

    /// One replicator to ask: how the user knows it and where it listens.
    private struct Target { var label: String; var listen: String }

    /// One answer (or its absence).
    private struct Report: Encodable {
        var replicator: String
        var endpoint: String
        var status: ReplicatorStatus?
        var error: String?
    }

    func run() async throws {
        let context = CommandContext(global)
        let targets = try await context.reportingErrors { try self.targets(context) }
        guard !targets.isEmpty else {
            context.terminal.line("No tandem_replicator in the state \(context.store.path).")
            return
        }
        let transport = AWSTransport(requestTimeout: .seconds(5), connectTimeout: .seconds(2))
        var reports: [Report] = []
        for target in targets {
            var report = Report(replicator: target.label, endpoint: "http://\(target.listen)")
            do {
                let response = try await transport.sendUnsigned(method: "GET", url: "http://\(target.listen)/status")
                if response.statusCode == 200 {
                    report.status = try JSONDecoder().decode(ReplicatorStatus.self, from: Data(response.body))
                } else {
                    report.error = "HTTP \(response.statusCode) from /status"
                }
            } catch {
                report.error = "\(error)"
            }
            reports.append(report)
        }
        try? await transport.shutdown()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            context.terminal.line(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            reports.forEach { render($0, on: context.terminal) }
        }
        if reports.contains(where: { $0.status?.ready != true }) { throw ExitCode(1) }
    }

    private func targets(_ context: CommandContext) throws -> [Target] {
        if let config {
            let configuration = try ReplicatorCommand.load(config)
            return [Target(label: config, listen: configuration.listen)]
        }
        return (try context.store.read()?.resources ?? []).filter { $0.address.type == "tandem_replicator" }.compactMap { resource in
            resource.attributes["listen"].stringValue.map { Target(label: resource.address.description, listen: $0) }
        }
    }

    private func render(_ report: Report, on terminal: Terminal) {
        guard let status = report.status else {
            terminal.line("\(report.replicator)  \(terminal.styled("not answering", .red))  \(report.endpoint)  (\(report.error ?? ""))")
            return
        }
        let health = status.ready ? terminal.styled("ready", .green) : terminal.styled("starting", .yellow)
        terminal.line("\(report.replicator)  \(health)  pid \(status.pid)  \(report.endpoint)")
        for pipeline in status.pipelines {
            terminal.line("  \(pipeline.name) (\(pipeline.events)): \(pipeline.source) -> \(pipeline.target)")
            let count = { (name: String) in pipeline.counters[name] ?? 0 }
            let skipped = pipeline.skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            var line = "    received \(count("events_received"))  replicated \(count("objects_replicated")) (\(Self.bytes(count("bytes_replicated"))))"
            line += "  deleted \(count("objects_deleted"))  skipped \(pipeline.skipped.values.reduce(0, +))\(skipped.isEmpty ? "" : " (\(skipped))")"
            line += "  failed \(count("events_failed"))  dead-lettered \(count("events_dead_lettered"))"
            if let lag = pipeline.queueLag { line += "  queue lag \(lag)" }
            terminal.line(line)
            if let reconcile = pipeline.reconcile {
                let when = reconcile.running ? "running since \(reconcile.lastStarted ?? "?")" : "last finished \(reconcile.lastFinished ?? "?")"
                terminal.line("    reconcile: \(when), compared \(reconcile.compared), copied \(reconcile.copied), failed \(reconcile.failed)"
                              + "  (runs \(reconcile.runs), errors \(reconcile.errors))")
            }
            if let degraded = pipeline.degraded { terminal.line("    " + terminal.styled("degraded: \(degraded)", .red)) }
        }
    }

    private static func bytes(_ count: Int) -> String {
        ByteCountFormatter.string(fromByteCount: Int64(count), countStyle: .binary)
    }
}
