import AWSClient
import ArgumentParser
import Foundation
import TandemCore
import TandemEngine
import TandemProvider
import TandemReplicator

/// `tandem replicator status`: each replicator's health and counters, asked from its `/status` endpoint. The
/// replicators are the state's `tandem_replicator` resources, or the one a `--config` file describes. A runtime
/// kubernetes replicator is asked pod by pod through the API server's pod proxy, with the tandem provider block it was
/// applied with (so the configuration and its variables are read then). Exits 1 when one does not answer or is not
/// ready (for scheduled checks).
struct ReplicatorStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show each replicator's pipelines, health and counters.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @Option(name: .long, help: "Ask the replicator of this runtime configuration instead of the state's tandem_replicator resources.")
    var config: String?

    @Flag(help: "Print JSON.")
    var json = false

    /// What one replicator answered, from each place it runs.
    private struct Report: Encodable {
        var replicator: String
        var answers: [ReplicatorStatusAnswer]
    }

    func run() async throws {
        var context = CommandContext(global)
        let transport = AWSTransport(requestTimeout: .seconds(5), connectTimeout: .seconds(2))
        let reports: [Report]
        do {
            reports = try await context.reportingErrors { try await self.reports(&context, transport: transport) }
            try? await transport.shutdown()
        } catch {
            try? await transport.shutdown()
            throw error
        }
        guard !reports.isEmpty else {
            context.terminal.line("No tandem_replicator in the state \(context.store.location).")
            return
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            context.terminal.line(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            for report in reports { report.answers.forEach { render($0, of: report.replicator, on: context.terminal) } }
        }
        if reports.contains(where: { $0.answers.contains { !$0.ready } }) { throw ExitCode(1) }
    }

    private func reports(_ context: inout CommandContext, transport: AWSTransport) async throws -> [Report] {
        if let config {
            let configuration = try ReplicatorCommand.load(config)
            return [Report(replicator: config, answers: [await ReplicatorStatusProbe.ask(listen: configuration.listen, transport: transport)])]
        }
        let replicators = (try await context.store.read()?.resources ?? []).filter { $0.address.type == "tandem_replicator" }
        var sessions: ProviderSessions?
        var reports: [Report] = []
        do {
            for resource in replicators {
                let label = resource.address.description
                if (resource.attributes["runtime"].stringValue ?? "local") == "local" {
                    let listen = resource.attributes["listen"].stringValue ?? ""
                    reports.append(Report(replicator: label, answers: [await ReplicatorStatusProbe.ask(listen: listen, transport: transport)]))
                    continue
                }
                // Replicators on a cluster are asked through the provider configuration they were applied with.
                if sessions == nil {
                    let configuration = try context.loadConfiguration()
                    sessions = context.sessions(configuration, variables: try context.variables(for: configuration, variables, requiringAll: false))
                }
                let provider = try await sessions!.provider(resource.provider)
                reports.append(Report(replicator: label, answers: await ReplicatorStatusProbe.ask(replicator: resource.attributes, provider: provider)))
            }
        } catch {
            await sessions?.shutdown()
            throw error
        }
        await sessions?.shutdown()
        return reports
    }

    private func render(_ answer: ReplicatorStatusAnswer, of replicator: String, on terminal: Terminal) {
        guard let status = answer.status else {
            let health = answer.ready ? terminal.styled("ready", .green) : terminal.styled("not answering", .red)
            terminal.line("\(replicator)  \(health)  \(answer.endpoint)  (\(answer.error ?? ""))")
            return
        }
        let health = status.ready ? terminal.styled("ready", .green) : terminal.styled("starting", .yellow)
        terminal.line("\(replicator)  \(health)  pid \(status.pid)  \(answer.endpoint)")
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
