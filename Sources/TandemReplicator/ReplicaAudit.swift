import AWSClient
import Crypto
import Foundation

/// Compares a replication's source and target without copying anything (`tandem drift --data`): a streaming merge
/// of the two listings (one page of each in memory, any number of keys), or, with a sample size, that many source
/// keys chosen at random and looked up on the target. Objects are equal when size and ETag match, or, with
/// `checksum`, when their contents hash the same (read in 8 MiB ranges, `checkers` objects at a time, so memory stays
/// bounded by `checkers` x 2 x 8 MiB).
public struct ReplicaAudit: Sendable {
    /// A bucket and prefix with the client that lists and reads it.
    public struct Side: Sendable {
        /// The client.
        public var client: S3Client
        /// The bucket.
        public var bucket: String
        /// The prefix listed; keys are compared with it removed.
        public var prefix: String

        /// Creates a side.
        public init(client: S3Client, bucket: String, prefix: String) {
            self.client = client
            self.bucket = bucket
            self.prefix = prefix
        }
    }

    /// What the comparison found.
    public struct Findings: Sendable, Equatable, Codable {
        /// Source objects compared.
        public var checked = 0
        /// Source objects older than the grace period that the target lacks.
        public var missing = 0
        /// Target objects the source lacks (not looked for when sampling).
        public var extra = 0
        /// Objects on both sides that differ.
        public var different = 0
        /// Source objects the target lacks or holds differently that are younger than the grace period (replication is asynchronous).
        public var pending = 0
        /// Objects whose ETags cannot be compared (a multipart upload's on one side) and whose sizes match; `checksum` reads them.
        public var sizeOnly = 0
        /// True when a sample was checked instead of every key.
        public var sampled = false
        /// Up to `keyLimit` keys per finding, source keys (target keys for `extra`).
        public var missingKeys: [String] = []
        public var extraKeys: [String] = []
        public var differentKeys: [String] = []

        /// No object missing, extra or different.
        public var inSync: Bool { missing == 0 && extra == 0 && different == 0 }

        enum CodingKeys: String, CodingKey {
            case checked, missing, extra, different, pending, sampled
            case sizeOnly = "size_only"
            case missingKeys = "missing_keys"
            case extraKeys = "extra_keys"
            case differentKeys = "different_keys"
        }
    }

    /// What the comparison decided about one key.
    public enum Verdict: Sendable, Equatable {
        /// On both sides and equal.
        case identical
        /// On both sides, equal in size, their ETags not comparable (and no checksum asked).
        case sizeOnly
        /// Only on the source, older than the grace period.
        case missing
        /// Only on the source or different, but younger than the grace period.
        case pending
        /// Only on the target.
        case extra
        /// On both sides and different.
        case different
    }

    /// Hears each key's verdict, the key relative to the side's prefix, in key order (sampled keys in key order too).
    public typealias Observer = @Sendable (Verdict, String) -> Void

    let source: Side
    let target: Side
    let grace: Duration
    let checksum: Bool
    let sample: Int?
    let keyLimit: Int
    let pageSize: Int
    let checkers: Int

    /// An audit of `source` against `target`; objects written less than `grace` ago are pending, not missing. With
    /// `checksum`, up to `checkers` objects are read at once (verdicts are still told in key order).
    public init(source: Side, target: Side, grace: Duration, checksum: Bool = false, sample: Int? = nil, keyLimit: Int = 20, pageSize: Int = 1000,
                checkers: Int = 8) {
        self.checkers = max(checkers, 1)
        self.source = source
        self.target = target
        self.grace = grace
        self.checksum = checksum
        self.sample = sample
        self.keyLimit = keyLimit
        self.pageSize = pageSize
    }

    /// Runs the comparison, telling `observe` about every key; a listing or read that fails ends it with the error.
    public func run(now: Date = Date(), observe: Observer? = nil) async throws -> Findings {
        sample == nil ? try await merge(now: now, observe: observe) : try await sampled(now: now, observe: observe)
    }

    /// A key whose verdict is told once every key before it has been told: known at once, or when its digests are read.
    private struct Queued {
        let object: ListedObject
        let key: String
        let verdict: Verdict?
        let digestsDiffer: Task<Bool, any Error>?
    }

    private func merge(now: Date, observe: Observer?) async throws -> Findings {
        var findings = Findings()
        var sources = ListingCursor(client: source.client, bucket: source.bucket, prefix: source.prefix.isEmpty ? nil : source.prefix, pageSize: pageSize)
        var targets = ListingCursor(client: target.client, bucket: target.bucket, prefix: target.prefix.isEmpty ? nil : target.prefix, pageSize: pageSize)
        var queue: [Queued] = [], reading = 0, next = 0
        // Tells verdicts in order: ready ones at once; the oldest digest read is awaited when `limit` reads are running
        // or more than 1,024 verdicts wait behind it.
        func tell(whileReading limit: Int) async throws {
            while next < queue.count, queue[next].digestsDiffer == nil || reading >= limit || queue.count - next > 1024 {
                let queued = queue[next]
                next += 1
                var verdict = queued.verdict
                if let digestsDiffer = queued.digestsDiffer {
                    reading -= 1
                    verdict = conclude(queued.object, differs: try await digestsDiffer.value, comparedBySize: false, now: now, into: &findings)
                }
                observe?(verdict ?? .identical, queued.key)
            }
            if next > 1024 || next == queue.count {
                queue.removeFirst(next)
                next = 0
            }
        }
        do {
            while true {
                let left = try await sources.peek(), right = try await targets.peek()
                guard left != nil || right != nil else { break }
                let leftKey = left.map { Self.dropping(source.prefix, from: $0.key) }
                let rightKey = right.map { Self.dropping(target.prefix, from: $0.key) }
                if let left, let leftKey, rightKey.map({ leftKey.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true {
                    findings.checked += 1
                    queue.append(Queued(object: left, key: leftKey, verdict: absent(left, now: now, in: &findings), digestsDiffer: nil))
                    _ = try await sources.next()
                } else if let right, let rightKey, leftKey.map({ rightKey.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true {
                    findings.extra += 1
                    if findings.extraKeys.count < keyLimit { findings.extraKeys.append(right.key) }
                    queue.append(Queued(object: right, key: rightKey, verdict: .extra, digestsDiffer: nil))
                    _ = try await targets.next()
                } else if let left, let right, let leftKey {
                    findings.checked += 1
                    if checksum, left.size == right.size {
                        let targetKey = right.key
                        queue.append(Queued(object: left, key: leftKey, verdict: nil, digestsDiffer: Task { try await contentsDiffer(left.key, targetKey) }))
                        reading += 1
                    } else {
                        let differs = Self.listingsDiffer(left, size: right.size, eTag: right.eTag)
                        let verdict = conclude(left, differs: differs ?? false, comparedBySize: differs == nil, now: now, into: &findings)
                        queue.append(Queued(object: left, key: leftKey, verdict: verdict, digestsDiffer: nil))
                    }
                    _ = try await sources.next()
                    _ = try await targets.next()
                }
                try await tell(whileReading: checkers)
            }
            try await tell(whileReading: 0)
        } catch {
            for queued in queue[next...] { queued.digestsDiffer?.cancel() }
            throw error
        }
        return findings
    }

    /// `sample` source keys chosen uniformly at random (reservoir sampling over the listing), each looked up on the target.
    private func sampled(now: Date, observe: Observer?) async throws -> Findings {
        var findings = Findings()
        findings.sampled = true
        let size = max(sample ?? 0, 1)
        var reservoir: [ListedObject] = []
        var seen = 0
        var generator = SystemRandomNumberGenerator()
        var sources = ListingCursor(client: source.client, bucket: source.bucket, prefix: source.prefix.isEmpty ? nil : source.prefix, pageSize: pageSize)
        while let object = try await sources.next() {
            seen += 1
            if reservoir.count < size {
                reservoir.append(object)
            } else {
                let slot = Int.random(in: 0..<seen, using: &generator)
                if slot < size { reservoir[slot] = object }
            }
        }
        for object in reservoir.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            findings.checked += 1
            let relative = Self.dropping(source.prefix, from: object.key)
            let targetKey = target.prefix + relative
            guard let head = try await target.client.headObject(bucket: target.bucket, key: targetKey) else {
                let verdict = absent(object, now: now, in: &findings)
                observe?(verdict, relative)
                continue
            }
            let verdict = try await compare(object, size: head.size, eTag: head.eTag, targetKey: targetKey, now: now, into: &findings)
            observe?(verdict, relative)
        }
        return findings
    }

    /// How many objects `side` lists and a SHA-256 over every key, size and ETag, streamed: two equal fingerprints taken
    /// one after the other mean nothing was written in between (a cutover's "the source has stopped changing").
    public static func fingerprint(_ side: Side, pageSize: Int = 1000) async throws -> (objects: Int, bytes: Int, digest: String) {
        var cursor = ListingCursor(client: side.client, bucket: side.bucket, prefix: side.prefix.isEmpty ? nil : side.prefix, pageSize: pageSize)
        var hasher = SHA256()
        var objects = 0, bytes = 0
        while let object = try await cursor.next() {
            objects += 1
            bytes += object.size
            hasher.update(data: Data("\(object.key)\u{0}\(object.size)\u{0}\(object.eTag)\u{0}".utf8))
        }
        return (objects, bytes, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// `key` without `prefix`, cut by UTF-8 bytes (listings match prefixes by bytes and keys sort by them).
    static func dropping(_ prefix: String, from key: String) -> String {
        String(decoding: key.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
    }

    /// True when the object was written less than `grace` before `now` (its replication may still be on its way).
    private func isYoung(_ object: ListedObject, now: Date) -> Bool {
        object.lastModified.map { now.timeIntervalSince($0) < Double(grace.components.seconds) } ?? false
    }

    private func absent(_ object: ListedObject, now: Date, in findings: inout Findings) -> Verdict {
        if isYoung(object, now: now) {
            findings.pending += 1
            return .pending
        }
        findings.missing += 1
        if findings.missingKeys.count < keyLimit { findings.missingKeys.append(object.key) }
        return .missing
    }

    private func compare(_ object: ListedObject, size: Int, eTag: String, targetKey: String, now: Date, into findings: inout Findings) async throws -> Verdict {
        if checksum, object.size == size {
            return conclude(object, differs: try await contentsDiffer(object.key, targetKey), comparedBySize: false, now: now, into: &findings)
        }
        let differs = Self.listingsDiffer(object, size: size, eTag: eTag)
        return conclude(object, differs: differs ?? false, comparedBySize: differs == nil, now: now, into: &findings)
    }

    /// Whether size and ETag say the objects differ; nil when the sizes match and the ETags cannot be compared (one is
    /// a multipart upload's).
    static func listingsDiffer(_ object: ListedObject, size: Int, eTag: String) -> Bool? {
        if object.size != size { return true }
        if object.eTag == eTag { return false }
        return object.eTag.contains("-") || eTag.contains("-") ? nil : true
    }

    /// Counts a compared object's verdict.
    private func conclude(_ object: ListedObject, differs: Bool, comparedBySize: Bool, now: Date, into findings: inout Findings) -> Verdict {
        if differs, isYoung(object, now: now) {
            findings.pending += 1
            return .pending
        }
        if differs {
            findings.different += 1
            if findings.differentKeys.count < keyLimit { findings.differentKeys.append(object.key) }
            return .different
        }
        if comparedBySize {
            findings.sizeOnly += 1
            return .sizeOnly
        }
        return .identical
    }

    /// True when the contents of the source's `key` and the target's `targetKey` hash differently (both read at once).
    private func contentsDiffer(_ key: String, _ targetKey: String) async throws -> Bool {
        async let sourceDigest = digest(source, key: key)
        async let targetDigest = digest(target, key: targetKey)
        return try await sourceDigest != targetDigest
    }

    /// SHA-256 of an object's contents, read in 8 MiB ranges; nil when it is gone.
    private func digest(_ side: Side, key: String) async throws -> String? {
        guard let head = try await side.client.headObject(bucket: side.bucket, key: key) else { return nil }
        var hasher = SHA256()
        let chunk = 8 << 20
        var offset = 0
        while offset < head.size {
            let end = min(offset + chunk, head.size) - 1
            let body = try await side.client.getObject(bucket: side.bucket, key: key, range: offset...end, ifMatch: head.eTag)
            body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            offset = end + 1
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
