import AWSClient

/// Copies one object's current state from a source bucket to a target bucket, with bounded memory whatever its size.
///
/// HEAD the source first (its current state is what gets copied, whatever an event said); skip when the target
/// already holds it (same size, and the same ETag or the source ETag recorded on it); otherwise copy it, either
/// inside the server (`Settings.serverSide`, see ObjectCopier+ServerSide.swift) or by moving the bytes through the
/// replicator (ObjectCopier+Streaming.swift): GET -> PUT up to the multipart threshold, ranged GETs -> UploadPart
/// above it, with a bounded number of parts in flight so memory is at most `partSize x partsInFlight`. Every read
/// is tied to the ETag HEAD saw (`If-Match`), so a copy never mixes two versions; a failed multipart upload is
/// aborted. Content-Type, Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires, user
/// metadata and tags are kept.
public struct ObjectCopier: Sendable {
    /// Sizes that bound memory and request counts, and whether the server copies.
    public struct Settings: Sendable, Equatable {
        /// Objects larger than this are streamed in parts.
        public var multipartThreshold: Int
        /// The size of each part (S3 requires at least 5 MiB except for the last).
        public var partSize: Int
        /// Parts read and uploaded (or copied) at the same time.
        public var partsInFlight: Int
        /// Copy inside the server (CopyObject, UploadPartCopy) instead of reading and writing the bytes. Only for a
        /// source and target on one endpoint where the target's credentials can read the source.
        public var serverSide: Bool
        /// Server-side copies of objects up to this size take one CopyObject (S3 allows up to 5 GiB), larger ones
        /// go in parts with UploadPartCopy.
        public var singleCopyLimit: Int
        /// The canned ACL (`x-amz-acl`) every copy is written with; nil sends none.
        public var cannedACL: String?
        /// Bytes per second streamed copies write at most, all copies of the copier together (nil: no limit). Copies
        /// inside the server do not pass through the copier and are not limited.
        public var bytesPerSecond: Int?

        /// Creates settings; the defaults keep a streamed copy under 4 x 8 MiB of buffers.
        public init(multipartThreshold: Int = 16 << 20, partSize: Int = 8 << 20, partsInFlight: Int = 4, serverSide: Bool = false,
                    singleCopyLimit: Int = 5 << 30, cannedACL: String? = "bucket-owner-full-control", bytesPerSecond: Int? = nil) {
            self.cannedACL = cannedACL
            self.bytesPerSecond = bytesPerSecond
            self.multipartThreshold = multipartThreshold
            self.partSize = max(partSize, 5 << 20)
            self.partsInFlight = max(partsInFlight, 1)
            self.serverSide = serverSide
            self.singleCopyLimit = min(singleCopyLimit, 5 << 30)
        }
    }

    /// What a copy did.
    public enum Outcome: Sendable, Equatable {
        /// The object was written to the target.
        case copied(bytes: Int)
        /// The target already held this object: nothing was written (this is what stops echoes).
        case alreadyCurrent
        /// The source no longer has the key: nothing to copy.
        case sourceGone
    }

    /// User metadata key recording, on a copy of one version of a versioned bucket, the source's version id.
    public static let sourceVersionMetadata = "tandem-source-version-id"

    /// User metadata key recording the source ETag on a copy, so a multipart copy (whose own ETag differs from the
    /// source's) is still recognised as current, in both directions of a pair.
    public static let sourceETagMetadata = "tandem-source-etag"

    let source: S3Client
    let target: S3Client
    let settings: Settings
    let bandwidth: BandwidthLimiter?

    /// Creates a copier between two endpoints (they may be the same).
    public init(source: S3Client, target: S3Client, settings: Settings = Settings()) {
        self.source = source
        self.target = target
        self.settings = settings
        bandwidth = settings.bytesPerSecond.map { BandwidthLimiter(bytesPerSecond: $0) }
    }

    /// Where a copy reads and writes.
    struct Route: Sendable {
        let bucket: String, key: String, targetBucket: String, targetKey: String
        /// A version of the source to copy; nil for the current one.
        var versionID: String? = nil
    }

    /// Copies `bucket/key` of the source to `targetBucket/targetKey`. When the source changes during the copy (a read
    /// answers 412 to `If-Match`) the copy starts over from a new HEAD; when it disappears, nothing is copied.
    /// `targetIsMissing` (a listing just showed the target lacks the key) saves the HEAD of the target, and with the
    /// `listed` size and ETag a copy takes no HEAD at all: one CopyObject server-side; one GET and one PUT streamed,
    /// up to the multipart threshold. `reported` (what an event said of the object) lets a new object be copied
    /// with two requests too, without taking the event's word for anything (see `copyAsReported`).
    public func copy(bucket: String, key: String, to targetBucket: String, key targetKey: String, targetIsMissing: Bool = false,
                     listed: ListedObject? = nil, reported: ListedObject? = nil) async throws -> Outcome {
        let route = Route(bucket: bucket, key: key, targetBucket: targetBucket, targetKey: targetKey)
        var attempt = 1
        while true {
            do {
                if targetIsMissing, attempt == 1, let listed, let outcome = try await copyAsListed(listed, route) {
                    return outcome
                }
                if !targetIsMissing, attempt == 1, let reported, let outcome = try await copyAsReported(reported, route) {
                    return outcome
                }
                return try await copyOnce(route, targetIsMissing: targetIsMissing && attempt == 1)
            } catch let error as AWSServiceError where error.code == "NoSuchKey" {
                return .sourceGone
            } catch let error as AWSServiceError where error.statusCode == 412 && attempt < 3 {
                attempt += 1
            }
        }
    }

    /// Copies one version of a source object as a new version of the target key, recording its version id
    /// (``sourceVersionMetadata``). A version never changes, so its bytes always go through the copier, with no HEAD of
    /// the target; `.sourceGone` when the version no longer exists.
    public func copyVersion(bucket: String, key: String, versionID: String, to targetBucket: String, key targetKey: String) async throws -> Outcome {
        var route = Route(bucket: bucket, key: key, targetBucket: targetBucket, targetKey: targetKey)
        route.versionID = versionID
        guard let head = try await source.headObject(bucket: bucket, key: key, versionID: versionID) else { return .sourceGone }
        try await stream(head, route)
        return .copied(bytes: head.size)
    }

    /// The copy of an object a listing just showed, without HEAD; nil when it takes the HEAD path after all.
    private func copyAsListed(_ listed: ListedObject, _ route: Route) async throws -> Outcome? {
        if settings.serverSide {
            return listed.size <= settings.singleCopyLimit ? try await copyInServer(listed, route) : nil
        }
        return listed.size <= settings.multipartThreshold ? try await streamSmall(route, targetMayHoldIt: false) : nil
    }

    /// The copy of an object an event reported, in two requests when the target lacks it; nil when it takes the HEAD
    /// path (a large or empty object). Server-side: HEAD the target, then CopyObject if the source still has the
    /// reported ETag (`x-amz-copy-source-if-match`; 412 starts over with HEADs); a target that has the key is compared
    /// with the source's current state (HEAD), never with what the event said. Streamed: one GET of the source's
    /// current state with its headers, then a PUT only if the target has no such key (`If-None-Match: *`); where it
    /// has one, the target is compared (HEAD) and written only if it holds something else. An object that is itself a
    /// copy (it carries the recorded source ETag) is compared with the target before any write, so an echo in a
    /// two-way pair stops there even on a server that ignores `If-None-Match`.
    private func copyAsReported(_ reported: ListedObject, _ route: Route) async throws -> Outcome? {
        guard reported.size > 0 else { return nil }
        if settings.serverSide {
            guard reported.size <= settings.singleCopyLimit else { return nil }
            guard let existing = try await target.headObject(bucket: route.targetBucket, key: route.targetKey) else {
                return try await copyInServer(reported, route)
            }
            guard let head = try await source.headObject(bucket: route.bucket, key: route.key) else { return .sourceGone }
            return try await copy(head, over: existing, route)
        }
        return reported.size <= settings.multipartThreshold ? try await streamSmall(route, targetMayHoldIt: true) : nil
    }

    private func copyOnce(_ route: Route, targetIsMissing: Bool) async throws -> Outcome {
        guard let head = try await source.headObject(bucket: route.bucket, key: route.key) else { return .sourceGone }
        let existing = targetIsMissing ? nil : try await target.headObject(bucket: route.targetBucket, key: route.targetKey)
        return try await copy(head, over: existing, route)
    }

    /// Copies the source object HEAD described unless `existing` (the target's, nil when it has none) is that object.
    private func copy(_ head: ObjectHead, over existing: ObjectHead?, _ route: Route) async throws -> Outcome {
        if let existing, Self.holdsSameObject(existing, as: head) { return .alreadyCurrent }
        if settings.serverSide {
            try await copyInServer(head, route)
        } else {
            try await stream(head, route)
        }
        return .copied(bytes: head.size)
    }

    /// `x-amz-acl` when the settings name a canned ACL.
    var aclHeaders: [(name: String, value: String)] {
        settings.cannedACL.map { [("x-amz-acl", $0)] } ?? []
    }

    /// The new object's headers: the source's Content-* and user metadata, the recorded source ETag, and its tags,
    /// fetched only when the response counted some (`x-amz-tagging-count`, which S3, radosgw and moto send for a
    /// tagged object, and S3 only to a reader allowed to read the tags; an untagged object costs no request).
    func headersForCopy(of head: ObjectHead, _ route: Route) async throws -> [(name: String, value: String)] {
        let recorded = ["x-amz-meta-\(Self.sourceETagMetadata)", "x-amz-meta-\(Self.sourceVersionMetadata)"]
        var headers = head.headersForCopy.filter { !recorded.contains($0.name) }
        headers.append(("x-amz-meta-\(Self.sourceETagMetadata)", head.metadata[Self.sourceETagMetadata] ?? head.eTag))
        if let versionID = route.versionID { headers.append(("x-amz-meta-\(Self.sourceVersionMetadata)", versionID)) }
        if (head.tagCount ?? 0) > 0,
           let tagging = S3Client.taggingHeader(try await source.getObjectTagging(bucket: route.bucket, key: route.key, versionID: route.versionID)) {
            headers.append(("x-amz-tagging", tagging))
        }
        return headers + aclHeaders
    }

    /// True when `existing` (on the target) is `head` (on the source): same size, and the same ETag either directly
    /// or as recorded by an earlier copy in either direction.
    static func holdsSameObject(_ existing: ObjectHead, as head: ObjectHead) -> Bool {
        guard existing.size == head.size else { return false }
        let original = head.metadata[sourceETagMetadata] ?? head.eTag
        return existing.eTag == head.eTag || existing.metadata[sourceETagMetadata] == original || existing.eTag == original
    }

    /// A multipart upload of `head` to the target with `partCount` parts, `partsInFlight` at a time, each written by
    /// `part(number, range)` (which returns the part's ETag); `beforeCompleting` runs once every part is written.
    /// The upload is aborted when anything fails.
    func uploadInParts(_ head: ObjectHead, _ route: Route, partSize: Int, beforeCompleting: @Sendable () async throws -> Void = {},
                       part: @escaping @Sendable (Int, ClosedRange<Int>, String) async throws -> String) async throws {
        try await multipartUpload(head, route, beforeCompleting: beforeCompleting) { uploadID in
            let partCount = (head.size + partSize - 1) / partSize
            var parts: [(number: Int, eTag: String)] = []
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 1
                func start() {
                    let number = next, offset = (number - 1) * partSize
                    let range = offset...min(offset + partSize, head.size) - 1
                    next += 1
                    group.addTask { (number, try await part(number, range, uploadID)) }
                }
                while next <= min(partCount, settings.partsInFlight) { start() }
                while let finished = try await group.next() {
                    parts.append(finished)
                    if next <= partCount { start() }
                }
            }
            return parts
        }
    }

    /// Creates a multipart upload of `head` to the target, lets `writeParts` write the parts (returning their numbers
    /// and ETags), runs `beforeCompleting`, and completes it; aborts it when anything fails.
    func multipartUpload(_ head: ObjectHead, _ route: Route, beforeCompleting: @Sendable () async throws -> Void = {},
                         writeParts: (String) async throws -> [(number: Int, eTag: String)]) async throws {
        let uploadID = try await target.createMultipartUpload(bucket: route.targetBucket, key: route.targetKey, headers: try await headersForCopy(of: head, route))
        do {
            let parts = try await writeParts(uploadID)
            try await beforeCompleting()
            try await target.completeMultipartUpload(bucket: route.targetBucket, key: route.targetKey, uploadID: uploadID,
                                                     parts: parts.sorted { $0.number < $1.number })
        } catch {
            try? await target.abortMultipartUpload(bucket: route.targetBucket, key: route.targetKey, uploadID: uploadID)
            throw error
        }
    }
}

/// A copy that read or wrote something other than what HEAD promised.
public enum CopyError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A GET returned a different number of bytes than expected.
    case sizeMismatch(key: String, expected: Int, read: Int)
    /// The object written to the target does not have the source's size.
    case verificationFailed(key: String)

    /// What happened.
    public var description: String {
        switch self {
        case .sizeMismatch(let key, let expected, let read): return "reading \(key) returned \(read) bytes, expected \(expected)"
        case .verificationFailed(let key): return "the copy of \(key) on the target does not have the source's size"
        }
    }
}
