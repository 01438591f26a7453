import AWSClient
import NIOCore

/// Reconciles source and target: a streaming merge of the source listing and the target listing (both in UTF-8 binary
/// key order, one page of each in memory, at most `concurrency` copies in flight), copying what the target lacks or
/// holds differently. Keys only on the target are left alone: in a bidirectional pair they belong to the other
/// direction. A copy that fails is counted and logged and the merge goes on (the next reconcile tries it again); a
/// listing that fails ends the run with the error.
///
/// With a `quietPeriod`, a copy waits until that long after its key was listed (up to `waitingLimit` objects wait, in
/// listing order): an event in flight lands first, so a delete on the other side of a bidirectional pair is not
/// undone by a copy back (the copy then finds the source gone), and a copy the event path just made is not repeated
/// blindly.
///
/// Needs a key template of the form `PREFIX{key}` (target keys then sort like source keys); other templates fall
/// back to asking each source key's target with HEAD.
public struct Backfill: Sendable {
    /// What a backfill did.
    public struct Summary: Sendable, Equatable {
        /// Source objects looked at.
        public var examined = 0
        /// Objects written to the target.
        public var copied = 0
        /// Bytes written.
        public var bytes = 0
        /// Objects the target already held.
        public var alreadyCurrent = 0
        /// Objects whose copy failed.
        public var failed = 0
    }

    let pipeline: Pipeline
    let concurrency: Int
    let pageSize: Int
    let quietPeriod: Duration?
    let waitingLimit: Int

    /// Creates a backfill of `pipeline`'s source into its target, listing `pageSize` keys per request, with at most
    /// `concurrency` copies at a time (the pipeline's when nil), each `quietPeriod` after its key was listed (at once
    /// when nil), at most `waitingLimit` objects waiting.
    public init(pipeline: Pipeline, pageSize: Int = 1000, concurrency: Int? = nil, quietPeriod: Duration? = nil, waitingLimit: Int = 10_000) {
        self.pipeline = pipeline
        self.concurrency = max(concurrency ?? pipeline.configuration.concurrency, 1)
        self.pageSize = pageSize
        self.quietPeriod = quietPeriod
        self.waitingLimit = max(waitingLimit, 1)
    }

    /// Runs the merge; `progress` hears about every 1,000 objects examined and every failed copy, `observe` sees the
    /// summary so far after every object.
    public func run(progress: @Sendable (String) -> Void = { _ in }, observe: (Summary) -> Void = { _ in }) async throws -> Summary {
        let sourceBucket = pipeline.configuration.source.bucket, targetBucket = pipeline.configuration.target.endpoint.bucket
        let prefix = pipeline.template.prefix(forBucket: sourceBucket)
        var sources = ListingCursor(client: pipeline.source, bucket: sourceBucket, prefix: pipeline.configuration.source.prefix, pageSize: pageSize)
        var targets = prefix.map { ListingCursor(client: pipeline.target, bucket: targetBucket, prefix: $0, pageSize: pageSize) }
        var summary = Summary()
        let clock = ContinuousClock(), quiet = quietPeriod ?? .zero
        var waiting = CircularBuffer<(object: ListedObject, targetIsMissing: Bool, listed: ContinuousClock.Instant)>()
        try await withThrowingTaskGroup(of: Result<ObjectCopier.Outcome, CopyFailure>.self) { group in
            var running = 0
            func settle(_ outcome: Result<ObjectCopier.Outcome, CopyFailure>) {
                running -= 1
                switch outcome {
                case .success(.copied(let bytes)): summary.copied += 1; summary.bytes += bytes
                case .success: summary.alreadyCurrent += 1
                case .failure(let failure):
                    summary.failed += 1
                    progress("backfill \(pipeline.name): copying \(failure.key) failed (the next reconcile tries again): \(failure.error)")
                }
                observe(summary)
            }
            func start(_ item: (object: ListedObject, targetIsMissing: Bool, listed: ContinuousClock.Instant),
                       in group: inout ThrowingTaskGroup<Result<ObjectCopier.Outcome, CopyFailure>, any Error>) async throws {
                if running >= concurrency, let outcome = try await group.next() { settle(outcome) }
                running += 1
                group.addTask {
                    do {
                        // After a quiet period an event may have copied the key meanwhile: the copier looks at the target
                        // again, under the key's lock, instead of trusting the listing (which would write a second version).
                        return .success(try await pipeline.replicateCurrentState(of: item.object, targetIsMissing: item.targetIsMissing && quiet == .zero))
                    } catch {
                        return .failure(CopyFailure(key: item.object.key, error: "\(error)"))
                    }
                }
            }
            while let object = try await sources.next() {
                guard let relativeKey = pipeline.relativeKey(object.key) else { continue }
                summary.examined += 1
                observe(summary)
                if summary.examined % 1000 == 0 { progress("backfill \(pipeline.name): \(summary.examined) objects examined, \(summary.copied) copied") }
                // Known missing on the target only when its listing was merged and had no such key.
                var targetIsMissing = false
                if var cursor = targets, let prefix {
                    // Skip target keys that sort before this one (they exist only on the target).
                    while let candidate = try await cursor.peek(), String(candidate.key.dropFirst(prefix.count)).utf8.lexicographicallyPrecedes(relativeKey.utf8) {
                        _ = try await cursor.next()
                    }
                    let match = try await cursor.peek().flatMap { String($0.key.dropFirst(prefix.count)) == relativeKey ? $0 : nil }
                    targets = cursor
                    if let match, match.size == object.size, match.eTag == object.eTag {
                        summary.alreadyCurrent += 1
                        continue
                    }
                    targetIsMissing = match == nil
                }
                waiting.append((object, targetIsMissing, clock.now))
                // Start the copies whose quiet period is over, and wait for the oldest when too many wait.
                while let first = waiting.first, clock.now >= first.listed + quiet || waiting.count > waitingLimit {
                    if clock.now < first.listed + quiet { try await Task.sleep(until: first.listed + quiet) }
                    try await start(waiting.removeFirst(), in: &group)
                }
            }
            while let first = waiting.first {
                if clock.now < first.listed + quiet { try await Task.sleep(until: first.listed + quiet) }
                try await start(waiting.removeFirst(), in: &group)
            }
            while let outcome = try await group.next() { settle(outcome) }
        }
        return summary
    }
}

/// A copy the merge could not make.
struct CopyFailure: Error {
    let key: String
    let error: String
}
