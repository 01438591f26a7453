import AWSClient
import ArgumentParser
import Foundation
import TandemCore
import TandemEngine
import TandemReplicator

/// `tandem sync SOURCE TARGET`: makes the target hold the source's objects with the replicator's copy engine
/// (``ObjectSync``: a streaming merge of both listings, so a second run copies only what is missing or different, and
/// a killed run resumes without copying again what is already equal; streamed, multipart for large objects, metadata
/// and tags kept). Seed 002's phases: `full` and `incremental` are the same merge (the second finds less to copy);
/// `cutover` first insists the source has stopped changing, then verifies every object by checksum in rclone check's
/// format.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Copy what the target lacks or holds differently from the source (exit 0, 1 error, 2 differences after a cutover).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @OptionGroup var sides: ObjectSideArguments

    @Option(help: "full or incremental (the same listing merge: only what differs is copied), or cutover (writes stopped: refuses while the source still changes, then verifies every object by checksum).")
    var phase: ObjectSync.Phase = .full

    @Option(help: "Objects copied at once.")
    var transfers: Int = 16

    @Option(help: "Cutover: objects read and hashed at once while verifying.")
    var checkers: Int = 8

    @Option(help: "Bytes per second all streamed copies write at most, rclone's --bwlimit: 512K, 10M, 1G (KiB, MiB, GiB; a bare number is KiB). Copies inside the server are not limited.")
    var bwlimit: ByteSize?

    @Option(name: .customLong("part-size"), help: "The size of each part of a large object (rclone's --s3-chunk-size), e.g. 8M, 64M; at least 5M.")
    var partSize: ByteSize?

    @Option(name: .customLong("parts-in-flight"), help: "Parts of one object written at once (rclone's --s3-upload-concurrency); parts are sent as they arrive, none held in memory.")
    var partsInFlight: Int = 4

    @Option(help: "Whole store: only buckets matching this shell pattern (repeatable).")
    var include: [String] = []

    @Option(help: "Whole store: not the buckets matching this shell pattern (repeatable).")
    var exclude: [String] = []

    @Flag(name: .customLong("create-buckets"), help: "Whole store: create a target bucket the target lacks, with the source's versioning, tags and policy.")
    var createBuckets = false

    @Flag(help: "Copy every version and delete marker, oldest first, that the target's history of each key lacks (both buckets versioned).")
    var versions = false

    @Flag(help: "Delete target objects the source does not have, unless a copy failed in this run.")
    var delete = false

    @Flag(name: .customLong("dry-run"), help: "Print what would change (+ copy, * replace, - delete) and change nothing.")
    var dryRun = false

    func validate() throws {
        if transfers < 1 || checkers < 1 || partsInFlight < 1 { throw ValidationError("--transfers, --checkers and --parts-in-flight take a positive number.") }
        if let partSize, partSize.bytes < 5 << 20 { throw ValidationError("--part-size must be at least 5M (S3's smallest part).") }
    }

    func run() async throws {
        var context = CommandContext(global)
        let outcome = try await context.reportingErrors { () async throws -> Int32 in
            let locations = try await ObjectRemote.locations(try sides.remotes(), context: &context, variables: variables)
            guard locations.0.bucket.isEmpty == locations.1.bucket.isEmpty else {
                throw Diagnostic.error("Name a bucket on both sides, or on neither", detail: "No bucket on both sides syncs the whole store, bucket by bucket.")
            }
            let sync = ObjectSync(source: try endpoint(locations.0, environment: context.environment),
                                  target: try endpoint(locations.1, environment: context.environment),
                                  options: ObjectSync.Options(phase: phase, transfers: transfers, checkers: checkers, delete: delete, dryRun: dryRun,
                                                              include: include, exclude: exclude, createBuckets: createBuckets,
                                                              bytesPerSecond: bwlimit?.bytes, partSize: partSize?.bytes ?? 8 << 20, partsInFlight: partsInFlight, versions: versions))
            let report = SyncReport(terminal: context.terminal, phase: phase, dryRun: dryRun, wholeStore: locations.0.bucket.isEmpty)
            do {
                let outcome = try await sync.run(report.tell)
                report.finish(outcome)
                return dryRun ? 0 : outcome.status
            } catch let refusal as SyncRefusal {
                throw Diagnostic.error(refusal.headline, detail: refusal.detail)
            }
        }
        if outcome != 0 { throw ExitCode(outcome) }
    }

    /// The replicator's endpoint settings for a location, its credentials resolved (the environment's for a URL).
    private func endpoint(_ location: ObjectLocation, environment: [String: String]) throws -> EndpointConfiguration {
        let credentials = try ObjectStoreClients.credentials(location, environment: environment)
        // The copy engine takes no environment: an endpoint from AWS_ENDPOINT_URL(_S3) is resolved here.
        let endpoint = EndpointResolver.isCustomEndpoint(service: "s3", override: location.endpoint, environment: environment)
            ? EndpointResolver.endpoint(service: "s3", region: location.region, override: location.endpoint, environment: environment).absoluteString : nil
        return try EndpointConfiguration(endpoint: endpoint, region: location.region, accessKey: credentials.accessKeyID,
                                         secretKey: credentials.secretAccessKey, bucket: location.bucket, prefix: location.prefix.isEmpty ? nil : location.prefix,
                                         caBundle: location.caBundle).loadingTrust(environment: environment)
    }
}

extension ObjectSync.Phase: ExpressibleByArgument {}

/// An rclone size (`--bwlimit` per second, `--s3-chunk-size`): a number with an optional B, K, M or G suffix (powers
/// of 1024; KiB without one).
struct ByteSize: ExpressibleByArgument {
    let bytes: Int

    init?(argument: String) {
        var text = argument.uppercased()
        var unit = 1024
        if let last = text.last, let power = ["B": 0, "K": 1, "M": 2, "G": 3][String(last)] {
            unit = 1 << (10 * power)
            text.removeLast()
        }
        guard let number = Double(text), number > 0, number * Double(unit) < Double(Int.max) else { return nil }
        bytes = max(Int(number * Double(unit)), 1)
    }
}
