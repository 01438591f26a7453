import Foundation
import AWSClient

/// One direction of replication: decides what an event means for the target and does it.
///
/// Events are at-least-once and unordered, so a payload is never replayed: a create copies the source's current
/// state (nothing when it is gone), a delete deletes on the target only when the source really no longer has the
/// key (otherwise the current state is copied). Events from the replicator's own identities are skipped; a new
/// small object costs a GET and a conditional PUT (or HEAD and CopyObject on one server), and nothing is written
/// when the target already holds the object.
public struct Pipeline: Sendable {
    /// What handling an event did.
    public enum Result: Sendable, Equatable {
        /// Copied to the target (bytes written).
        case replicated(bytes: Int)
        /// Deleted on the target.
        case deleted
        /// Nothing to do, with the reason (`own-principal`, `already-current`, `source-gone`, `other-bucket`,
        /// `outside-prefix`).
        case skipped(String)
    }

    /// The pipeline's name.
    public let name: String
    let configuration: PipelineConfiguration
    let source: S3Client
    let target: S3Client
    let copier: ObjectCopier
    let template: KeyTemplate
    let skipPrincipals: Set<String>
    let locks = KeyLocks()

    /// Creates a pipeline over `transport`.
    public init(_ configuration: PipelineConfiguration, transport: AWSTransport) throws {
        name = configuration.name
        self.configuration = configuration
        source = S3Client(configuration: configuration.source.clientConfiguration, transport: transport)
        target = S3Client(configuration: configuration.target.endpoint.clientConfiguration, transport: transport)
        var settings = configuration.copy.map {
            ObjectCopier.Settings(multipartThreshold: $0.multipartThreshold, partSize: $0.partSize, partsInFlight: $0.partsInFlight, bytesPerSecond: $0.bandwidthLimit)
        } ?? ObjectCopier.Settings()
        settings.serverSide = (configuration.copy?.serverSide ?? true) && Self.sharesOneServer(configuration.source, configuration.target.endpoint)
        settings.cannedACL = configuration.target.cannedACL
        copier = ObjectCopier(source: source, target: target, settings: settings)
        template = try KeyTemplate(configuration.target.keyTemplate)
        skipPrincipals = Set(configuration.skipPrincipals.map(PrincipalID.normalised))
    }

    /// True when the server can copy from `source` to `target` itself: one endpoint (the same URL, or both AWS), one
    /// region, and the same keys, so the identity that writes the target can read the source. Anything else (even
    /// another name for the same host) streams.
    static func sharesOneServer(_ source: EndpointConfiguration, _ target: EndpointConfiguration) -> Bool {
        source.endpoint == target.endpoint && source.region == target.region && source.accessKey == target.accessKey && source.secretKey == target.secretKey
    }

    /// The key under the source prefix (the whole key without one); nil for a key outside the prefix or the prefix itself.
    func relativeKey(_ sourceKey: String) -> String? {
        guard let prefix = configuration.source.prefix, !prefix.isEmpty else { return sourceKey }
        guard sourceKey.hasPrefix(prefix), sourceKey.count > prefix.count else { return nil }
        return String(sourceKey.dropFirst(prefix.count))
    }

    /// Where `sourceKey` lands on the target; nil when the pipeline does not replicate it (outside the source prefix).
    func targetKey(forSourceKey sourceKey: String) -> String? {
        relativeKey(sourceKey).map { template.targetKey(for: $0, bucket: configuration.source.bucket) }
    }

    /// Copies the source's current state of `object` (as a listing showed it) to its target key, under the key's lock
    /// (backfill uses this, so it never races an event for the same key).
    func replicateCurrentState(of object: ListedObject, targetIsMissing: Bool) async throws -> ObjectCopier.Outcome {
        let targetBucket = configuration.target.endpoint.bucket
        guard let targetKey = targetKey(forSourceKey: object.key) else { return .alreadyCurrent }
        return try await locks.withLock(object.key) {
            try await copier.copy(bucket: configuration.source.bucket, key: object.key, to: targetBucket, key: targetKey, targetIsMissing: targetIsMissing,
                                  listed: object)
        }
    }

    /// Handles one event and records in `metrics` the copy's duration when it copied, and the replication latency (from
    /// the event's time at the source) when the change landed.
    func timedHandle(_ event: ObjectEvent, metrics: ReplicatorMetrics) async throws -> Result {
        let clock = ContinuousClock(), start = clock.now
        let result = try await handle(event)
        if case .replicated = result { metrics.observeCopy(clock.now - start, pipeline: name) }
        switch result {
        case .replicated, .deleted:
            if let time = event.time { metrics.observeReplicationLatency(.seconds(max(0, Date().timeIntervalSince(time))), pipeline: name) }
        case .skipped:
            break
        }
        return result
    }

    /// Handles one event; throws when the source or target could not be read or written (the event is then retried).
    public func handle(_ event: ObjectEvent) async throws -> Result {
        if let principal = event.principal, skipPrincipals.contains(principal) { return .skipped("own-principal") }
        guard event.bucket == configuration.source.bucket else { return .skipped("other-bucket") }
        guard let targetKey = targetKey(forSourceKey: event.key) else { return .skipped("outside-prefix") }
        let targetBucket = configuration.target.endpoint.bucket
        return try await locks.withLock(event.key) {
            let reported = event.change == .created ? event.size.flatMap { size in event.eTag.map { ListedObject(key: event.key, size: size, eTag: $0) } } : nil
            switch try await copier.copy(bucket: event.bucket, key: event.key, to: targetBucket, key: targetKey, reported: reported) {
            case .copied(let bytes): return .replicated(bytes: bytes)
            case .alreadyCurrent: return .skipped("already-current")
            case .sourceGone where event.change == .removed:
                guard try await target.headObject(bucket: targetBucket, key: targetKey) != nil else { return .skipped("already-current") }
                try await target.deleteObject(bucket: targetBucket, key: targetKey)
                return .deleted
            case .sourceGone: return .skipped("source-gone")
            }
        }
    }
}
