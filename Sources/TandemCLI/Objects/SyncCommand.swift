import AWSClient
import ArgumentParser
import Foundation
import TandemCore
import TandemEngine
import TandemReplicator

/// `tandem sync SOURCE TARGET`: makes the target hold the source's objects with the replicator's copy engine (a
/// streaming merge of both listings, so a second run copies only what is missing or different, and a killed run
/// resumes without copying again what is already equal; streamed, multipart for large objects, metadata and tags
/// kept). Objects only on the target are left alone. The first part of issue 17's sync: one bucket (or directory) per
/// run, phases, `--delete` and the progress bar are not there yet.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Copy what the target lacks or holds differently from the source (exit 0, 1 when a copy failed).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @Argument(help: "PROVIDER:BUCKET[/DIR] (a provider of the configuration in --dir) or http(s)://HOST[:PORT]/BUCKET[/DIR].")
    var source: String

    @Argument(help: "The same forms as SOURCE.")
    var target: String

    @Option(help: "Objects copied at once.")
    var transfers: Int = 16

    @Flag(name: .customLong("dry-run"), help: "Print what would be copied (+ missing, * different) and copy nothing.")
    var dryRun = false

    func validate() throws {
        if transfers < 1 { throw ValidationError("--transfers takes a positive number.") }
    }

    func run() async throws {
        var context = CommandContext(global)
        let failed = try await context.reportingErrors { () async throws -> Int in
            let remotes = (try ObjectRemote.parse(source), try ObjectRemote.parse(target))
            var sessions: ProviderSessions?
            if [remotes.0.store, remotes.1.store].contains(where: { if case .provider = $0 { true } else { false } }) {
                let configuration = try context.loadConfiguration()
                sessions = context.sessions(configuration, variables: try context.variables(for: configuration, variables, requiringAll: false))
            }
            let sides = (try await remotes.0.location(sessions: sessions, environment: context.environment),
                         try await remotes.1.location(sessions: sessions, environment: context.environment))
            await sessions?.shutdown()
            let terminal = context.terminal
            if dryRun {
                let audit = ReplicaAudit(source: try ObjectStoreClients.side(sides.0, environment: context.environment),
                                         target: try ObjectStoreClients.side(sides.1, environment: context.environment), grace: .zero)
                let findings = try await audit.run { verdict, key in
                    switch verdict {
                    case .missing, .pending: terminal.line("+ \(key)")
                    case .different: terminal.line("* \(key)")
                    case .identical, .sizeOnly, .extra: break
                    }
                }
                terminal.errorLine("Would copy \(findings.missing + findings.different) of \(findings.checked) objects; nothing was copied.")
                return 0
            }
            let pipeline = try Pipeline(PipelineConfiguration(
                name: "sync", source: try endpoint(sides.0, prefix: sides.0.prefix, environment: context.environment),
                target: .init(endpoint: try endpoint(sides.1, prefix: nil, environment: context.environment), keyTemplate: sides.1.prefix + "{key}"),
                concurrency: transfers), transport: ObjectStoreClients.transport)
            let summary = try await Backfill(pipeline: pipeline, concurrency: transfers).run(progress: { terminal.errorLine($0) })
            terminal.line("Synced \(sides.0) to \(sides.1): \(summary.examined) objects examined, \(summary.copied) copied "
                          + "(\(summary.bytes) bytes), \(summary.alreadyCurrent) already there, \(summary.failed) failed.")
            return summary.failed
        }
        if failed > 0 { throw ExitCode.failure }
    }

    /// The replicator's endpoint settings for a location, its credentials resolved (the environment's for a URL).
    private func endpoint(_ location: ObjectLocation, prefix: String?, environment: [String: String]) throws -> EndpointConfiguration {
        let credentials = try ObjectStoreClients.credentials(location, environment: environment)
        // The copy engine takes no environment: an endpoint from AWS_ENDPOINT_URL(_S3) is resolved here.
        let endpoint = EndpointResolver.isCustomEndpoint(service: "s3", override: location.endpoint, environment: environment)
            ? EndpointResolver.endpoint(service: "s3", region: location.region, override: location.endpoint, environment: environment).absoluteString : nil
        return try EndpointConfiguration(endpoint: endpoint, region: location.region, accessKey: credentials.accessKeyID,
                                         secretKey: credentials.secretAccessKey, bucket: location.bucket, prefix: prefix?.isEmpty == true ? nil : prefix,
                                         caBundle: location.caBundle).loadingTrust(environment: environment)
    }
}
