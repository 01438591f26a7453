import AWSClient

/// Reconciles the objects that existed before events flowed: a streaming merge of the source listing and the target
/// listing (both in UTF-8 binary key order, one page of each in memory), copying what the target lacks or holds
/// differently. Keys only on the target are left alone: in a bidirectional pair they belong to the other direction.
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
    }

    let pipeline: Pipeline
    let concurrency: Int
    let pageSize: Int

    /// Creates a backfill of `pipeline`'s source into its target, listing `pageSize` keys per request.
    public init(pipeline: Pipeline, pageSize: Int = 1000) {
        self.pipeline = pipeline
        concurrency = max(pipeline.configuration.concurrency, 1)
        self.pageSize = pageSize
    }

    /// Runs the merge; `progress` hears about every 1,000 objects examined.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Summary {
        let sourceBucket = pipeline.configuration.source.bucket, targetBucket = pipeline.configuration.target.endpoint.bucket
        let prefix = pipeline.template.prefix(forBucket: sourceBucket)
        var sources = ListingCursor(client: pipeline.source, bucket: sourceBucket, prefix: pipeline.configuration.source.prefix, pageSize: pageSize)
        var targets = prefix.map { ListingCursor(client: pipeline.target, bucket: targetBucket, prefix: $0, pageSize: pageSize) }
        var summary = Summary()
        try await withThrowingTaskGroup(of: ObjectCopier.Outcome.self) { group in
            var running = 0
            func settle(_ outcome: ObjectCopier.Outcome) {
                running -= 1
                if case .copied(let bytes) = outcome { summary.copied += 1; summary.bytes += bytes } else { summary.alreadyCurrent += 1 }
            }
            while let object = try await sources.next() {
                guard let relativeKey = pipeline.relativeKey(object.key) else { continue }
                summary.examined += 1
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
                if running >= concurrency, let outcome = try await group.next() { settle(outcome) }
                running += 1
                group.addTask { [targetIsMissing] in try await pipeline.replicateCurrentState(of: object, targetIsMissing: targetIsMissing) }
            }
            while let outcome = try await group.next() { settle(outcome) }
        }
        return summary
    }
}

/// Walks a listing one page at a time.
struct ListingCursor: Sendable {
    let client: S3Client
    let bucket: String
    let prefix: String?
    let pageSize: Int
    private var page: [ListedObject] = []
    private var index = 0
    private var token: String?
    private var exhausted = false

    init(client: S3Client, bucket: String, prefix: String?, pageSize: Int) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.pageSize = pageSize
    }

    /// The next object without consuming it.
    mutating func peek() async throws -> ListedObject? {
        while index >= page.count {
            guard !exhausted else { return nil }
            let next = try await client.listObjectsPage(bucket: bucket, prefix: prefix, continuationToken: token, maxKeys: pageSize)
            (page, index, token) = (next.objects, 0, next.nextContinuationToken)
            exhausted = token == nil
        }
        return page[index]
    }

    /// The next object.
    mutating func next() async throws -> ListedObject? {
        let object = try await peek()
        if object != nil { index += 1 }
        return object
    }
}
