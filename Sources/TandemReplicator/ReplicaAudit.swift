import AWSClient
import Crypto
import Foundation

/// Compares a replication's source and target without copying anything (`tandem drift --data`): a streaming merge
/// of the two listings (one page of each in memory, any number of keys), or, with a sample size, that many source
/// keys chosen at random and looked up on the target. Objects are equal when size and ETag match, or, with
/// `checksum`, when their contents hash the same (read in 8 MiB ranges, so memory stays bounded).
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

    /// An audit of `source` against `target`; objects written less than `grace` ago are pending, not missing.
    public init(source: Side, target: Side, grace: Duration, checksum: Bool = false, sample: Int? = nil, keyLimit: Int = 20, pageSize: Int = 1000) {
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

    private func merge(now: Date, observe: Observer?) async throws -> Findings {
        var findings = Findings()
        var sources = ListingCursor(client: source.client, bucket: source.bucket, prefix: source.prefix.isEmpty ? nil : source.prefix, pageSize: pageSize)
        var targets = ListingCursor(client: target.client, bucket: target.bucket, prefix: target.prefix.isEmpty ? nil : target.prefix, pageSize: pageSize)
        while true {
            let left = try await sources.peek(), right = try await targets.peek()
            guard left != nil || right != nil else { break }
            let leftKey = left.map { Self.dropping(source.prefix, from: $0.key) }
            let rightKey = right.map { Self.dropping(target.prefix, from: $0.key) }
            if let left, let leftKey, rightKey.map({ leftKey.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true {
                findings.checked += 1
                let verdict = absent(left, now: now, in: &findings)
                observe?(verdict, leftKey)
                _ = try await sources.next()
            } else if let right, let rightKey, leftKey.map({ rightKey.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true {
                findings.extra += 1
                if findings.extraKeys.count < keyLimit { findings.extraKeys.append(right.key) }
                observe?(.extra, rightKey)
                _ = try await targets.next()
            } else if let left, let right, let leftKey {
                findings.checked += 1
                let verdict = try await compare(left, size: right.size, eTag: right.eTag, targetKey: right.key, now: now, into: &findings)
                observe?(verdict, leftKey)
                _ = try await sources.next()
                _ = try await targets.next()
            }
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
        var differs = object.size != size
        var comparedBySize = false
        if !differs, checksum {
            differs = try await digest(source, key: object.key) != digest(target, key: targetKey)
        } else if !differs, object.eTag != eTag {
            if object.eTag.contains("-") || eTag.contains("-") { comparedBySize = true } else { differs = true }
        }
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
