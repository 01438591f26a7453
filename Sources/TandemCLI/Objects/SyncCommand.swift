import AWSClient
import ArgumentParser
import Foundation
import TandemCore
import TandemEngine
import TandemReplicator

/// `tandem sync SOURCE TARGET`: makes the target hold the source's objects with the replicator's copy engine (a
/// streaming merge of both listings, so a second run copies only what is missing or different, and a killed run
/// resumes without copying again what is already equal; streamed, multipart for large objects, metadata and tags
/// kept). Seed 002's phases: `full` and `incremental` are the same merge (the second finds less to copy); `cutover`
/// first insists the source has stopped changing, then verifies every object by checksum in rclone check's format.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Copy what the target lacks or holds differently from the source (exit 0, 1 error, 2 differences after a cutover).")

    enum Phase: String, ExpressibleByArgument, CaseIterable {
        case full, incremental, cutover
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @Argument(help: "PROVIDER:BUCKET[/DIR] (a provider of the configuration in --dir) or http(s)://HOST[:PORT]/BUCKET[/DIR].")
    var source: String

    @Argument(help: "The same forms as SOURCE.")
    var target: String

    @Option(help: "full or incremental (the same listing merge: only what differs is copied), or cutover (writes stopped: refuses while the source still changes, then verifies every object by checksum).")
    var phase: Phase = .full

    @Option(help: "Objects copied at once.")
    var transfers: Int = 16

    @Option(help: "Cutover: objects read and hashed at once while verifying.")
    var checkers: Int = 8

    @Option(help: "Whole store: only buckets matching this shell pattern (repeatable).")
    var include: [String] = []

    @Option(help: "Whole store: not the buckets matching this shell pattern (repeatable).")
    var exclude: [String] = []

    @Flag(name: .customLong("create-buckets"), help: "Whole store: create a target bucket the target lacks, with the source's versioning, tags and policy.")
    var createBuckets = false

    @Flag(help: "Delete target objects the source does not have, unless a copy failed in this run.")
    var delete = false

    @Flag(name: .customLong("dry-run"), help: "Print what would change (+ copy, * replace, - delete) and change nothing.")
    var dryRun = false

    func validate() throws {
        if transfers < 1 || checkers < 1 { throw ValidationError("--transfers and --checkers take a positive number.") }
    }

    func run() async throws {
        var context = CommandContext(global)
        let outcome = try await context.reportingErrors { () async throws -> Int32 in
            let remotes = (try ObjectRemote.parse(source), try ObjectRemote.parse(target))
            let locations = try await ObjectRemote.locations(remotes, context: &context, variables: variables)
            guard locations.0.bucket.isEmpty == locations.1.bucket.isEmpty else {
                throw Diagnostic.error("Name a bucket on both sides, or on neither", detail: "No bucket on both sides syncs the whole store, bucket by bucket.")
            }
            if locations.0.bucket.isEmpty { return try await syncStore(locations, context: context) }
            return try await syncBucket(locations, context: context)
        }
        if outcome != 0 { throw ExitCode(outcome) }
    }

    /// Every bucket of the source (chosen by `--include` / `--exclude`) into the target bucket of the same name; the
    /// worst outcome of all.
    private func syncStore(_ locations: (ObjectLocation, ObjectLocation), context: CommandContext) async throws -> Int32 {
        let terminal = context.terminal
        let source = try ObjectStoreClients.side(locations.0, environment: context.environment).client
        let target = try ObjectStoreClients.side(locations.1, environment: context.environment).client
        let buckets = try await source.listBuckets().filter { name in
            (include.isEmpty || include.contains { fnmatch($0, name, 0) == 0 }) && !exclude.contains { fnmatch($0, name, 0) == 0 }
        }
        terminal.errorLine("Syncing \(buckets.count) buckets: \(buckets.joined(separator: ", "))")
        var worst: Int32 = 0
        for bucket in buckets {
            if try await !target.bucketExists(bucket) {
                guard createBuckets, !dryRun else {
                    terminal.errorLine("\(bucket): the target has no such bucket" + (dryRun ? " (--create-buckets would make it)" : "; --create-buckets makes it"))
                    worst = max(worst, dryRun ? 0 : 1)
                    continue
                }
                try await create(bucket, like: source, on: target, region: locations.1.region, terminal: terminal)
            }
            var pair = locations
            pair.0.bucket = bucket
            pair.1.bucket = bucket
            terminal.errorLine("== \(bucket)")
            worst = max(worst, try await syncBucket(pair, context: context))
        }
        return worst
    }

    /// Creates `bucket` on the target with the source bucket's versioning, tags and policy.
    private func create(_ bucket: String, like source: S3Client, on target: S3Client, region: String, terminal: Terminal) async throws {
        try await target.createBucket(bucket, locationConstraint: region)
        if try await source.getBucketVersioning(bucket) == "Enabled" { try await target.putBucketVersioning(bucket, status: "Enabled") }
        let tags = try await source.getBucketTagging(bucket)
        if !tags.isEmpty { try await target.putBucketTagging(bucket, tags) }
        let policy = try await source.getBucketPolicy(bucket)
        if let policy { try await target.putBucketPolicy(bucket, policy: policy) }
        terminal.errorLine("\(bucket): created on the target with the source's versioning, \(tags.count) tags\(policy == nil ? "" : " and policy")")
    }

    /// One bucket (or directory) into another.
    private func syncBucket(_ locations: (ObjectLocation, ObjectLocation), context: CommandContext) async throws -> Int32 {
        let sides = (try ObjectStoreClients.side(locations.0, environment: context.environment),
                     try ObjectStoreClients.side(locations.1, environment: context.environment))
        let terminal = context.terminal
        if dryRun { return try await preview(sides, terminal: terminal) }
        let listed = phase == .cutover ? try await requireQuietSource(sides.0, terminal: terminal) : try await ReplicaAudit.fingerprint(sides.0)

        let pipeline = try Pipeline(PipelineConfiguration(
            name: "sync", source: try endpoint(locations.0, prefix: locations.0.prefix, environment: context.environment),
            target: .init(endpoint: try endpoint(locations.1, prefix: nil, environment: context.environment), keyTemplate: locations.1.prefix + "{key}"),
            concurrency: transfers), transport: ObjectStoreClients.transport)
        let progress = SyncProgress(terminal: terminal, label: "\(locations.0)", phase: phase.rawValue, objects: listed.objects, bytes: listed.bytes)
        let summary = try await Backfill(pipeline: pipeline, concurrency: transfers).run(progress: progress.message, observe: progress.update)
        progress.finish(summary)
        terminal.line("Synced \(locations.0) to \(locations.1): \(summary.examined) objects examined, \(summary.copied) copied "
                      + "(\(summary.bytes) bytes), \(summary.alreadyCurrent) already there, \(summary.failed) failed.")
        if delete {
            if summary.failed > 0 {
                terminal.errorLine("Not deleting anything: \(summary.failed) copies failed in this run (a failed run never deletes).")
            } else {
                try await deleteExtras(sides, sourceObjects: listed.objects, terminal: terminal)
            }
        }
        if summary.failed > 0 { return 1 }
        return phase == .cutover ? try await verify(sides, terminal: terminal) : 0
    }

    /// `--dry-run`: what a run would copy, replace and (with `--delete`) delete.
    private func preview(_ sides: (ReplicaAudit.Side, ReplicaAudit.Side), terminal: Terminal) async throws -> Int32 {
        let delete = self.delete
        let findings = try await ReplicaAudit(source: sides.0, target: sides.1, grace: .zero).run { verdict, key in
            switch verdict {
            case .missing, .pending: terminal.line("+ \(key)")
            case .different: terminal.line("* \(key)")
            case .extra where delete: terminal.line("- \(key)")
            case .identical, .sizeOnly, .extra: break
            }
        }
        terminal.errorLine("Would copy \(findings.missing + findings.different) of \(findings.checked) objects"
                           + (delete ? " and delete \(findings.extra)" : "") + "; nothing was changed.")
        return 0
    }

    /// Cutover: two listings of the source one after the other must agree, or writes have not stopped.
    private func requireQuietSource(_ source: ReplicaAudit.Side, terminal: Terminal) async throws -> (objects: Int, bytes: Int, digest: String) {
        let first = try await ReplicaAudit.fingerprint(source)
        let second = try await ReplicaAudit.fingerprint(source)
        guard first == second else {
            throw Diagnostic.error("The source is still changing",
                                   detail: "Two listings one after the other differ (\(first.objects) then \(second.objects) objects): stop the writers, then run the cutover again.")
        }
        terminal.errorLine("Cutover: the source holds \(first.objects) objects and did not change between two listings.")
        return second
    }

    /// Deletes target objects the source lacks (listed first, then deleted: the merge cannot wait for deletes).
    /// An empty source deletes nothing: a mistyped bucket or directory must not empty the target.
    private func deleteExtras(_ sides: (ReplicaAudit.Side, ReplicaAudit.Side), sourceObjects: Int, terminal: Terminal) async throws {
        let extras = ExtraKeys()
        _ = try await ReplicaAudit(source: sides.0, target: sides.1, grace: .zero).run { verdict, key in
            if verdict == .extra { extras.append(key) }
        }
        if sourceObjects == 0, !extras.keys.isEmpty {
            throw Diagnostic.error("The source lists no objects: not deleting the target's \(extras.keys.count)",
                                   detail: "A wrong bucket or directory would empty the target. Delete them by other means if that is what you want.")
        }
        for key in extras.keys { try await sides.1.client.deleteObject(bucket: sides.1.bucket, key: sides.1.prefix + key) }
        terminal.line("Deleted \(extras.keys.count) objects the source does not have.")
    }

    /// Cutover: every object compared by checksum, rclone check's `= - + * !` lines; 2 when anything differs.
    private func verify(_ sides: (ReplicaAudit.Side, ReplicaAudit.Side), terminal: Terminal) async throws -> Int32 {
        let findings = try await ReplicaAudit(source: sides.0, target: sides.1, grace: .zero, checksum: true, checkers: checkers).run { verdict, key in
            switch verdict {
            case .identical, .sizeOnly: terminal.line("= \(key)")
            case .missing, .pending: terminal.line("+ \(key)")
            case .extra: terminal.line("- \(key)")
            case .different: terminal.line("* \(key)")
            }
        }
        let differences = findings.missing + findings.pending + findings.different + (delete ? findings.extra : 0)
        terminal.errorLine("NOTICE: cutover verified \(findings.checked) objects by checksum: \(differences) differences found")
        return differences > 0 ? 2 : 0
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

/// Keys gathered by a comparison's observer.
private final class ExtraKeys: @unchecked Sendable {
    private let lock = NSLock()
    private var gathered: [String] = []

    func append(_ key: String) {
        lock.lock()
        defer { lock.unlock() }
        gathered.append(key)
    }

    var keys: [String] {
        lock.lock()
        defer { lock.unlock() }
        return gathered
    }
}
