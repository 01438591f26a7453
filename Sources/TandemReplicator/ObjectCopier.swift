import AWSClient

/// Copies one object's current state from a source bucket to a target bucket, with bounded memory whatever its size.
///
/// HEAD the source first (its current state is what gets copied, whatever an event said); skip when the target
/// already holds it (same size, and the same ETag or the source ETag recorded on it); otherwise GET -> PUT up to the
/// multipart threshold, and above it ranged GETs -> UploadPart with a bounded number of parts in flight, so memory
/// is at most `partSize x partsInFlight`. Every GET carries `If-Match` with the ETag HEAD saw, so a copy never mixes
/// two versions; a failed multipart upload is aborted. Content-Type, Content-Encoding, Content-Disposition,
/// Cache-Control, Content-Language, Expires, user metadata and tags are kept.
public struct ObjectCopier: Sendable {
    /// Sizes that bound memory and request counts.
    public struct Settings: Sendable, Equatable {
        /// Objects larger than this are copied in parts.
        public var multipartThreshold: Int
        /// The size of each part (S3 requires at least 5 MiB except for the last).
        public var partSize: Int
        /// Parts read and uploaded at the same time.
        public var partsInFlight: Int

        /// Creates settings; the defaults keep a copy under 4 x 8 MiB of buffers.
        public init(multipartThreshold: Int = 16 << 20, partSize: Int = 8 << 20, partsInFlight: Int = 4) {
            self.multipartThreshold = multipartThreshold
            self.partSize = max(partSize, 5 << 20)
            self.partsInFlight = max(partsInFlight, 1)
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

    /// User metadata key recording the source ETag on a copy, so a multipart copy (whose own ETag differs from the
    /// source's) is still recognised as current, in both directions of a pair.
    public static let sourceETagMetadata = "tandem-source-etag"

    let source: S3Client
    let target: S3Client
    let settings: Settings

    /// Creates a copier between two endpoints (they may be the same).
    public init(source: S3Client, target: S3Client, settings: Settings = Settings()) {
        self.source = source
        self.target = target
        self.settings = settings
    }

    /// Copies `bucket/key` of the source to `targetBucket/targetKey`. When the source changes during the copy (a GET
    /// answers 412 to `If-Match`) the copy starts over from a new HEAD; when it disappears, nothing is copied.
    /// `targetIsMissing` (a listing just showed the target lacks the key) saves the HEAD of the target, and with a
    /// `sizeHint` up to the multipart threshold the object is read with one GET (no HEAD): two requests per object.
    public func copy(bucket: String, key: String, to targetBucket: String, key targetKey: String, targetIsMissing: Bool = false,
                     sizeHint: Int? = nil) async throws -> Outcome {
        var attempt = 1
        while true {
            do {
                if targetIsMissing, attempt == 1, let sizeHint, sizeHint <= settings.multipartThreshold,
                   let outcome = try await copySmall(bucket: bucket, key: key, to: targetBucket, key: targetKey) {
                    return outcome
                }
                return try await copyOnce(bucket: bucket, key: key, to: targetBucket, key: targetKey, targetIsMissing: targetIsMissing && attempt == 1)
            } catch let error as AWSServiceError where error.code == "NoSuchKey" {
                return .sourceGone
            } catch let error as AWSServiceError where error.statusCode == 412 && attempt < 3 {
                attempt += 1
            }
        }
    }

    private func copyOnce(bucket: String, key: String, to targetBucket: String, key targetKey: String, targetIsMissing: Bool) async throws -> Outcome {
        guard let head = try await source.headObject(bucket: bucket, key: key) else { return .sourceGone }
        if !targetIsMissing, let existing = try await target.headObject(bucket: targetBucket, key: targetKey), Self.holdsSameObject(existing, as: head) {
            return .alreadyCurrent
        }
        let headers = try await headersForCopy(of: head, bucket: bucket, key: key)
        if head.size <= settings.multipartThreshold {
            let body = try await source.getObject(bucket: bucket, key: key, ifMatch: head.eTag)
            guard body.count == head.size else { throw CopyError.sizeMismatch(key: key, expected: head.size, read: body.count) }
            let written = try await target.putObject(bucket: targetBucket, key: targetKey, body: body, headers: headers)
            // A single upload's ETag is the MD5 of its body: equal to the source's, the bytes are verified end to end.
            if written == head.eTag { return .copied(bytes: head.size) }
        } else {
            try await copyInParts(head, bucket: bucket, key: key, to: targetBucket, key: targetKey, headers: headers)
        }
        guard let written = try await target.headObject(bucket: targetBucket, key: targetKey), written.size == head.size else {
            throw CopyError.verificationFailed(key: targetKey)
        }
        return .copied(bytes: head.size)
    }

    /// One GET (body and headers) and one PUT, for small objects the target is known to lack; nil when the object
    /// turned out larger than the threshold (it grew since it was listed).
    private func copySmall(bucket: String, key: String, to targetBucket: String, key targetKey: String) async throws -> Outcome? {
        let head: ObjectHead, body: [UInt8]
        do {
            (head, body) = try await source.getObjectWithHead(bucket: bucket, key: key, limit: settings.multipartThreshold)
        } catch let error as AWSServiceError where error.statusCode == 416 {
            return nil  // an empty object has no byte 0: take the HEAD path
        }
        guard body.count <= settings.multipartThreshold else { return nil }
        let written = try await target.putObject(bucket: targetBucket, key: targetKey, body: body, headers: try await headersForCopy(of: head, bucket: bucket, key: key))
        if written != head.eTag {
            guard let check = try await target.headObject(bucket: targetBucket, key: targetKey), check.size == head.size else {
                throw CopyError.verificationFailed(key: targetKey)
            }
        }
        return .copied(bytes: head.size)
    }

    /// The new object's headers: the source's Content-* and user metadata, the recorded source ETag, and its tags
    /// (fetched only when the response did not say there are none).
    private func headersForCopy(of head: ObjectHead, bucket: String, key: String) async throws -> [(name: String, value: String)] {
        var headers = head.headersForCopy.filter { $0.name != "x-amz-meta-\(Self.sourceETagMetadata)" }
        headers.append(("x-amz-meta-\(Self.sourceETagMetadata)", head.metadata[Self.sourceETagMetadata] ?? head.eTag))
        if head.tagCount != 0, let tagging = S3Client.taggingHeader(try await source.getObjectTagging(bucket: bucket, key: key)) {
            headers.append(("x-amz-tagging", tagging))
        }
        return headers
    }

    /// True when `existing` (on the target) is `head` (on the source): same size, and the same ETag either directly
    /// or as recorded by an earlier copy in either direction.
    static func holdsSameObject(_ existing: ObjectHead, as head: ObjectHead) -> Bool {
        guard existing.size == head.size else { return false }
        let original = head.metadata[sourceETagMetadata] ?? head.eTag
        return existing.eTag == head.eTag || existing.metadata[sourceETagMetadata] == original || existing.eTag == original
    }

    private func copyInParts(_ head: ObjectHead, bucket: String, key: String, to targetBucket: String, key targetKey: String,
                             headers: [(name: String, value: String)]) async throws {
        let uploadID = try await target.createMultipartUpload(bucket: targetBucket, key: targetKey, headers: headers)
        do {
            let partCount = (head.size + settings.partSize - 1) / settings.partSize
            var parts: [(number: Int, eTag: String)] = []
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 1
                func start() {
                    let number = next, offset = (number - 1) * settings.partSize
                    let range = offset...min(offset + settings.partSize, head.size) - 1
                    next += 1
                    group.addTask {
                        let body = try await source.getObject(bucket: bucket, key: key, range: range, ifMatch: head.eTag)
                        guard body.count == range.count else { throw CopyError.sizeMismatch(key: key, expected: range.count, read: body.count) }
                        return (number, try await target.uploadPart(bucket: targetBucket, key: targetKey, uploadID: uploadID, partNumber: number, body: body))
                    }
                }
                while next <= min(partCount, settings.partsInFlight) { start() }
                while let finished = try await group.next() {
                    parts.append(finished)
                    if next <= partCount { start() }
                }
            }
            try await target.completeMultipartUpload(bucket: targetBucket, key: targetKey, uploadID: uploadID, parts: parts.sorted { $0.number < $1.number })
        } catch {
            try? await target.abortMultipartUpload(bucket: targetBucket, key: targetKey, uploadID: uploadID)
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
