import AWSClient
import Foundation

/// A one-off sync of a bucket (or a directory of one) into another, or of every bucket of a store into the buckets of
/// the same names: the work of `tandem sync` and of the `tandem_migration` resource. The copy is the replicator's
/// backfill (a streaming merge of both listings, so a second run copies only what is missing or different and a
/// killed run resumes without copying again what is already equal); seed 002's phases: `full` and `incremental` are
/// that merge, `cutover` first insists the source has stopped changing, then verifies every object by checksum.
/// `delete` removes target objects the source lacks, never after a failed copy and never when the source lists nothing.
/// Multipart uploads left incomplete under the target (by a killed run) are aborted before copying: a partial object is
/// never visible, and its parts stop taking space. Do not run two syncs into one target at once.
public struct ObjectSync: Sendable {
    /// Seed 002's phases.
    public enum Phase: String, Sendable, Codable, CaseIterable {
        case full, incremental, cutover
    }

    /// How to sync.
    public struct Options: Sendable, Equatable, Codable {
        /// The phase run.
        public var phase: Phase
        /// Objects copied at once.
        public var transfers: Int
        /// Objects read and hashed at once while a cutover verifies.
        public var checkers: Int
        /// Delete target objects the source lacks.
        public var delete: Bool
        /// Report what would change (`verdict` events) and change nothing.
        public var dryRun: Bool
        /// Whole store: bucket name patterns (fnmatch) to take (all when empty).
        public var include: [String]
        /// Whole store: bucket name patterns (fnmatch) to leave.
        public var exclude: [String]
        /// Whole store: create a bucket the target lacks, with the source's versioning, tags and policy.
        public var createBuckets: Bool
        /// Bytes per second streamed copies write at most, all together (nil: no limit).
        public var bytesPerSecond: Int?
        /// The size of each part of a large object: a streamed copy holds none of them: each part's body is sent as it arrives.
        public var partSize: Int
        /// How many parts of one object are written at once.
        public var partsInFlight: Int
        /// Copy every version (and delete marker) oldest first instead of the current objects; both buckets must be
        /// versioned (``VersionSync``).
        public var versions: Bool

        enum CodingKeys: String, CodingKey {
            case phase, transfers, checkers, delete, include, exclude
            case dryRun = "dry_run", createBuckets = "create_buckets", bytesPerSecond = "bytes_per_second", partSize = "part_size"
            case partsInFlight = "parts_in_flight", versions
        }

        /// True when a whole-store sync takes the bucket `name`.
        public func takes(bucket name: String) -> Bool {
            (include.isEmpty || include.contains { fnmatch($0, name, 0) == 0 }) && !exclude.contains { fnmatch($0, name, 0) == 0 }
        }

        /// Creates options.
        public init(phase: Phase = .full, transfers: Int = 16, checkers: Int = 8, delete: Bool = false, dryRun: Bool = false,
                    include: [String] = [], exclude: [String] = [], createBuckets: Bool = false, bytesPerSecond: Int? = nil,
                    partSize: Int = ObjectCopier.Settings().partSize, partsInFlight: Int = ObjectCopier.Settings().partsInFlight, versions: Bool = false) {
            self.versions = versions
            (self.phase, self.transfers, self.checkers, self.delete, self.dryRun) = (phase, max(transfers, 1), max(checkers, 1), delete, dryRun)
            (self.include, self.exclude, self.createBuckets, self.bytesPerSecond) = (include, exclude, createBuckets, bytesPerSecond)
            (self.partSize, self.partsInFlight) = (max(partSize, 5 << 20), max(partsInFlight, 1))
        }
    }

    /// What happens, in order, for a progress display or a log.
    public enum Event: Sendable {
        /// Whole store: the buckets chosen.
        case buckets([String])
        /// Whole store: a target bucket made like the source's.
        case createdBucket(String, tags: Int, policy: Bool)
        /// Whole store: the target lacks this bucket and none is made (not asked, or a dry run).
        case missingBucket(String)
        /// A pair begins; the source lists this many objects and bytes.
        case started(source: String, target: String, objects: Int, bytes: Int)
        /// The copy so far, after every object.
        case progress(Backfill.Summary)
        /// The copy of a pair ended.
        case copied(source: String, target: String, Backfill.Summary)
        /// A key's verdict: what a dry run would change, or what a cutover's verification found.
        case verdict(ReplicaAudit.Verdict, String)
        /// Target objects deleted because the source lacks them.
        case deleted(Int)
        /// Something a person should read (a failed copy, why nothing was deleted, the cutover's checks).
        case notice(String)
    }

    /// What a sync did, over every bucket.
    public struct Outcome: Sendable, Equatable, Codable {
        /// Bucket pairs synced.
        public var buckets = 0
        /// Whole store: target buckets missing and not made.
        public var missingBuckets = 0
        /// Source objects (with `versions`: versions and delete markers) looked at.
        public var examined = 0
        /// Objects (versions, delete markers) written to the target.
        public var copied = 0
        /// Bytes written.
        public var bytes = 0
        /// Objects the target already held.
        public var alreadyCurrent = 0
        /// Copies that failed (with `versions`: keys).
        public var failed = 0
        /// Target objects deleted because the source lacks them.
        public var deleted = 0
        /// Incomplete multipart uploads under the target found at the start (an interrupted run's) and aborted.
        public var abortedUploads = 0
        /// Objects a cutover compared by checksum.
        public var verified = 0
        /// Objects the cutover found different, or missing on either side.
        public var differences = 0

        /// 0 done, 1 something failed (a copy, a missing bucket), 2 a cutover found differences.
        public var status: Int32 { failed > 0 || missingBuckets > 0 ? 1 : differences > 0 ? 2 : 0 }

        enum CodingKeys: String, CodingKey {
            case buckets, examined, copied, bytes, failed, deleted, verified, differences
            case missingBuckets = "missing_buckets", alreadyCurrent = "already_current", abortedUploads = "aborted_uploads"
        }

        /// Creates an empty outcome.
        public init() {}
    }

    let source: EndpointConfiguration
    let target: EndpointConfiguration
    let options: Options

    /// A sync of `source` into `target` (an empty bucket on both: every bucket); the target's prefix is where the
    /// source's keys (without the source's prefix) go.
    public init(source: EndpointConfiguration, target: EndpointConfiguration, options: Options) {
        self.source = source
        self.target = target
        self.options = options
    }

    /// Runs the sync, telling `report` what happens; a listing that fails (or a bucket that cannot be made) ends it
    /// with the error, a copy that fails is counted and the sync goes on.
    public func run(_ report: @escaping @Sendable (Event) -> Void) async throws -> Outcome {
        guard source.bucket.isEmpty == target.bucket.isEmpty else {
            throw ConfigurationError("name a bucket on both sides, or on neither (no bucket on both sides syncs the whole store, bucket by bucket)")
        }
        // A connection for every transfer's GET and parts in flight: fewer would make copies wait for each other (a
        // large copy's GET feeds its parts, so parts waiting for connections held by GETs would stall them all).
        let transport = AWSTransport(requestTimeout: .seconds(300), connectionsPerHost: options.transfers * (options.partsInFlight + 1))
        do {
            let outcome = try await run(report, transport: transport)
            try await transport.shutdown()
            return outcome
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    private func run(_ report: @escaping @Sendable (Event) -> Void, transport: AWSTransport) async throws -> Outcome {
        var outcome = Outcome()
        guard source.bucket.isEmpty else {
            try await syncPair(source, target, transport: transport, into: &outcome, report: report)
            return outcome
        }
        let sourceClient = S3Client(configuration: source.clientConfiguration, transport: transport)
        let targetClient = S3Client(configuration: target.clientConfiguration, transport: transport)
        let buckets = try await chosenBuckets(transport: transport)
        report(.buckets(buckets))
        for bucket in buckets {
            if try await !targetClient.bucketExists(bucket) {
                guard options.createBuckets, !options.dryRun else {
                    report(.missingBucket(bucket))
                    if !options.dryRun { outcome.missingBuckets += 1 }
                    continue
                }
                try await create(bucket, like: sourceClient, on: targetClient, report: report)
            }
            var pair = (source, target)
            pair.0.bucket = bucket
            pair.1.bucket = bucket
            try await syncPair(pair.0, pair.1, transport: transport, into: &outcome, report: report)
        }
        return outcome
    }

    /// Whole store: the source's buckets the options take, listed over `transport`.
    public func chosenBuckets(transport: AWSTransport) async throws -> [String] {
        try await S3Client(configuration: source.clientConfiguration, transport: transport).listBuckets().filter(options.takes)
    }

    /// Creates `bucket` on the target with the source bucket's versioning, tags and policy.
    private func create(_ bucket: String, like source: S3Client, on target: S3Client, report: (Event) -> Void) async throws {
        try await target.createBucket(bucket, locationConstraint: self.target.region)
        if try await source.getBucketVersioning(bucket) == "Enabled" { try await target.putBucketVersioning(bucket, status: "Enabled") }
        let tags = try await source.getBucketTagging(bucket)
        if !tags.isEmpty { try await target.putBucketTagging(bucket, tags) }
        let policy = try await source.getBucketPolicy(bucket)
        if let policy { try await target.putBucketPolicy(bucket, policy: policy) }
        report(.createdBucket(bucket, tags: tags.count, policy: policy != nil))
    }

    /// One bucket (or directory) into another.
    private func syncPair(_ source: EndpointConfiguration, _ target: EndpointConfiguration, transport: AWSTransport, into outcome: inout Outcome,
                          report: @escaping @Sendable (Event) -> Void) async throws {
        var sourceEndpoint = source, targetEndpoint = target
        sourceEndpoint.prefix = source.prefix?.isEmpty == true ? nil : source.prefix
        targetEndpoint.prefix = nil
        var configuration = PipelineConfiguration(name: "sync", source: sourceEndpoint,
                                                  target: .init(endpoint: targetEndpoint, keyTemplate: (target.prefix ?? "") + "{key}"),
                                                  concurrency: options.transfers)
        configuration.copy = .init(multipartThreshold: ObjectCopier.Settings().multipartThreshold, partSize: options.partSize,
                                   partsInFlight: options.partsInFlight, bandwidthLimit: options.bytesPerSecond)
        let pipeline = try Pipeline(configuration, transport: transport)
        let sides = (ReplicaAudit.Side(client: pipeline.source, bucket: source.bucket, prefix: source.prefix ?? ""),
                     ReplicaAudit.Side(client: pipeline.target, bucket: target.bucket, prefix: target.prefix ?? ""))
        let names = (Self.name(source), Self.name(target))
        outcome.buckets += 1
        if options.dryRun {
            try await preview(sides, report: report)
            return
        }
        let listed = options.phase == .cutover ? try await requireQuietSource(sides.0, report: report) : try await ReplicaAudit.fingerprint(sides.0)
        // A killed run leaves its multipart uploads behind: never visible as objects, but their parts take space.
        let stale = try await pipeline.target.listMultipartUploads(bucket: target.bucket, prefix: target.prefix ?? "")
        for upload in stale { try await pipeline.target.abortMultipartUpload(bucket: target.bucket, key: upload.key, uploadID: upload.uploadID) }
        if !stale.isEmpty {
            outcome.abortedUploads += stale.count
            report(.notice("Aborted \(stale.count) incomplete multipart uploads under \(names.1) (left by an interrupted copy: no object was visible, their parts took space)."))
        }
        report(.started(source: names.0, target: names.1, objects: listed.objects, bytes: listed.bytes))
        let summary: Backfill.Summary
        if options.versions {
            let versioning = (try await pipeline.source.getBucketVersioning(source.bucket), try await pipeline.target.getBucketVersioning(target.bucket))
            guard versioning.0 == "Enabled", versioning.1 == "Enabled" else {
                throw SyncRefusal.unversioned(source: versioning.0 ?? "never enabled", target: versioning.1 ?? "never enabled")
            }
            summary = try await VersionSync(copier: pipeline.copier, source: sides.0, target: sides.1, concurrency: options.transfers)
                .run(progress: { report(.notice($0)) }, observe: { report(.progress($0)) })
        } else {
            summary = try await Backfill(pipeline: pipeline, concurrency: options.transfers)
                .run(progress: { report(.notice($0)) }, observe: { report(.progress($0)) })
        }
        report(.copied(source: names.0, target: names.1, summary))
        outcome.examined += summary.examined
        outcome.copied += summary.copied
        outcome.bytes += summary.bytes
        outcome.alreadyCurrent += summary.alreadyCurrent
        outcome.failed += summary.failed
        if options.delete {
            if summary.failed > 0 {
                report(.notice("Not deleting anything in \(names.1): \(summary.failed) copies failed in this run (a failed run never deletes)."))
            } else {
                let deleted = try await deleteExtras(sides, sourceObjects: listed.objects)
                outcome.deleted += deleted
                report(.deleted(deleted))
            }
        }
        if summary.failed == 0, options.phase == .cutover {
            let findings = try await ReplicaAudit(source: sides.0, target: sides.1, grace: .zero, checksum: true, checkers: options.checkers)
                .run { report(.verdict($0, $1)) }
            let differences = findings.missing + findings.pending + findings.different + (options.delete ? findings.extra : 0)
            outcome.verified += findings.checked
            outcome.differences += differences
            report(.notice("Cutover verified \(findings.checked) objects of \(names.1) by checksum: \(differences) differences found"))
        }
    }

    /// `bucket` or `bucket/prefix`.
    static func name(_ side: EndpointConfiguration) -> String {
        side.bucket + (side.prefix.map { $0.isEmpty ? "" : "/" + $0 } ?? "")
    }

    /// A dry run: the verdict of every key that would change.
    private func preview(_ sides: (ReplicaAudit.Side, ReplicaAudit.Side), report: @escaping @Sendable (Event) -> Void) async throws {
        let delete = options.delete
        _ = try await ReplicaAudit(source: sides.0, target: sides.1, grace: .zero).run { verdict, key in
            switch verdict {
            case .missing, .pending, .different: report(.verdict(verdict, key))
            case .extra where delete: report(.verdict(verdict, key))
            case .identical, .sizeOnly, .extra: break
            }
        }
    }

    /// Cutover: two listings of the source, the second starting at least two seconds after the first, must agree, or
    /// writes have not stopped (listings back to back can both fall between two writes of a slow writer).
    private func requireQuietSource(_ source: ReplicaAudit.Side, report: (Event) -> Void) async throws -> (objects: Int, bytes: Int, digest: String) {
        let firstStarted = ContinuousClock.now
        let first = try await ReplicaAudit.fingerprint(source)
        try await Task.sleep(until: firstStarted + .seconds(2))
        let second = try await ReplicaAudit.fingerprint(source)
        guard first == second else {
            throw SyncRefusal.sourceStillChanging(before: first.objects, after: second.objects)
        }
        report(.notice("Cutover: the source holds \(first.objects) objects and did not change between two listings."))
        return second
    }

    /// Deletes target objects the source lacks (listed first, then deleted: the merge cannot wait for deletes); an
    /// empty source deletes nothing: a mistyped bucket or directory must not empty the target.
    private func deleteExtras(_ sides: (ReplicaAudit.Side, ReplicaAudit.Side), sourceObjects: Int) async throws -> Int {
        let extras = GatheredKeys()
        _ = try await ReplicaAudit(source: sides.0, target: sides.1, grace: .zero).run { verdict, key in
            if verdict == .extra { extras.append(key) }
        }
        let keys = extras.keys
        if sourceObjects == 0, !keys.isEmpty { throw SyncRefusal.emptySource(targetObjects: keys.count) }
        for key in keys { try await sides.1.client.deleteObject(bucket: sides.1.bucket, key: sides.1.prefix + key) }
        return keys.count
    }
}

/// Why a sync stopped before copying or deleting.
public enum SyncRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Cutover: two listings of the source differ.
    case sourceStillChanging(before: Int, after: Int)
    /// `delete` with a source that lists nothing.
    case emptySource(targetObjects: Int)
    /// `versions` with a bucket that is not versioned (its versioning status).
    case unversioned(source: String, target: String)

    /// What happened.
    public var headline: String {
        switch self {
        case .sourceStillChanging: return "The source is still changing"
        case .emptySource(let count): return "The source lists no objects: not deleting the target's \(count)"
        case .unversioned: return "Copying versions needs versioning enabled on both buckets"
        }
    }

    /// Why, and what to do.
    public var detail: String {
        switch self {
        case .sourceStillChanging(let before, let after):
            return "Two listings two seconds apart differ (\(before) then \(after) objects): stop the writers, then run the cutover again."
        case .emptySource:
            return "A wrong bucket or directory would empty the target. Delete them by other means if that is what you want."
        case .unversioned(let source, let target):
            return "Versioning is \(source) on the source and \(target) on the target: enable it on both, or sync the current objects only."
        }
    }

    /// The headline and the detail.
    public var description: String { "\(headline). \(detail)" }
}

/// Keys gathered by a comparison's observer.
private final class GatheredKeys: @unchecked Sendable {
    private let lock = NSLock()
    private var gathered: [String] = []

    func append(_ key: String) {
        lock.withLock { gathered.append(key) }
    }

    var keys: [String] {
        lock.withLock { gathered }
    }
}
