import AWSClient
import AsyncAlgorithms
import Crypto
import NIOCore

/// Copies that move the bytes through the replicator: what works between any two endpoints.
extension ObjectCopier {
    /// GET (If-Match) -> PUT up to the multipart threshold, one GET cut into UploadParts above it. A single upload whose
    /// ETag is the source's proves the bytes end to end; otherwise the target's size is checked with HEAD.
    func stream(_ head: ObjectHead, _ route: Route) async throws {
        if head.size <= settings.multipartThreshold {
            let body = try await source.getObject(bucket: route.bucket, key: route.key, ifMatch: head.eTag, versionID: route.versionID)
            guard body.readableBytes == head.size else { throw CopyError.sizeMismatch(key: route.key, expected: head.size, read: body.readableBytes) }
            try await bandwidth?.take(body.readableBytes)
            let written = try await target.putObject(bucket: route.targetBucket, key: route.targetKey, body: body, headers: try await headersForCopy(of: head, route))
            // A single upload's ETag is the MD5 of its body: equal to the source's, the bytes are verified end to end.
            if written == head.eTag { return }
        } else {
            try await streamInParts(head, route)
        }
        guard let written = try await target.headObject(bucket: route.targetBucket, key: route.targetKey), written.size == head.size else {
            throw CopyError.verificationFailed(key: route.targetKey)
        }
    }

    /// One GET (body and headers) and one PUT, for small objects; nil when the object turned out larger than the
    /// threshold (it grew since it was listed or reported) or empty (it has no byte 0 to range). Unless the target is
    /// known to lack the key, the PUT is conditional on that (`If-None-Match: *`), and a target that has it is
    /// compared before it is overwritten; a source object that is itself a copy is compared first (see
    /// `copyAsReported`).
    func streamSmall(_ route: Route, targetMayHoldIt: Bool) async throws -> Outcome? {
        let head: ObjectHead, body: ByteBuffer
        do {
            (head, body) = try await source.getObjectWithHead(bucket: route.bucket, key: route.key, limit: settings.multipartThreshold)
        } catch let error as AWSServiceError where error.statusCode == 416 {
            return nil
        }
        guard body.readableBytes <= settings.multipartThreshold else { return nil }
        if targetMayHoldIt, head.metadata[Self.sourceETagMetadata] != nil, try await targetHolds(head, route) { return .alreadyCurrent }
        try await bandwidth?.take(body.readableBytes)
        let headers = try await headersForCopy(of: head, route)
        let written: String
        if targetMayHoldIt {
            do {
                written = try await target.putObject(bucket: route.targetBucket, key: route.targetKey, body: body, headers: headers + [("if-none-match", "*")])
            } catch let error as AWSServiceError where error.statusCode == 412 || error.statusCode == 501 {
                // 412: the target has the key; 501: a server without conditional writes. Either way, compare first.
                if try await targetHolds(head, route) { return .alreadyCurrent }
                written = try await target.putObject(bucket: route.targetBucket, key: route.targetKey, body: body, headers: headers)
            }
        } else {
            written = try await target.putObject(bucket: route.targetBucket, key: route.targetKey, body: body, headers: headers)
        }
        if written != head.eTag {
            guard let check = try await target.headObject(bucket: route.targetBucket, key: route.targetKey), check.size == head.size else {
                throw CopyError.verificationFailed(key: route.targetKey)
            }
        }
        return .copied(bytes: head.size)
    }

    /// True when the target key holds `head`'s object (HEAD of the target).
    private func targetHolds(_ head: ObjectHead, _ route: Route) async throws -> Bool {
        guard let existing = try await target.headObject(bucket: route.targetBucket, key: route.targetKey) else { return false }
        return Self.holdsSameObject(existing, as: head)
    }

    /// One GET of the whole object (If-Match), its bytes handed on as they arrive to the part being uploaded (each
    /// UploadPart's body streamed), `partsInFlight` parts uploading at a time: one request for the whole read, where
    /// ranged GETs would cost one each, and no part held in memory; reading waits while the part being written waits
    /// for the connection, which holds the sender back. Each part's ETag is compared with the MD5 of the bytes sent
    /// (unless the target encrypts with KMS or a customer key).
    func streamInParts(_ head: ObjectHead, _ route: Route) async throws {
        let (target, partSize, slots) = (target, settings.partSize, settings.partsInFlight)
        let partCount = (head.size + partSize - 1) / partSize
        try await multipartUpload(head, route) { uploadID in
            try await source.withObjectBody(bucket: route.bucket, key: route.key, ifMatch: head.eTag, versionID: route.versionID) { body in
                var reader = PartReader(body: body.makeAsyncIterator(), key: route.key, size: head.size)
                return try await withThrowingTaskGroup(of: (number: Int, eTag: String, md5Checked: Bool).self) { group in
                    var parts: [(number: Int, eTag: String)] = [], digests: [String] = [], uploading = 0
                    func collect(_ finished: (number: Int, eTag: String, md5Checked: Bool)) throws {
                        if finished.md5Checked, finished.eTag != digests[finished.number - 1] { throw CopyError.verificationFailed(key: route.targetKey) }
                        parts.append((finished.number, finished.eTag))
                        uploading -= 1
                    }
                    for number in 1...partCount {
                        if uploading == slots, let finished = try await group.next() { try collect(finished) }
                        let length = min(partSize, head.size - (number - 1) * partSize)
                        let bytes = AsyncChannel<ByteBuffer>()
                        uploading += 1
                        group.addTask {
                            // However the upload ends, the reader handing it bytes is let go (a finished channel takes none).
                            defer { bytes.finish() }
                            let (eTag, headers) = try await target.uploadPart(bucket: route.targetBucket, key: route.targetKey, uploadID: uploadID,
                                                                              partNumber: number, length: length, streaming: bytes)
                            return (number, eTag, S3Client.partETagIsMD5(headers))
                        }
                        digests.append(try await reader.send(length, to: bytes, bandwidth: bandwidth))
                    }
                    try await reader.expectEnd()
                    while let finished = try await group.next() { try collect(finished) }
                    return parts
                }
            }
        }
    }
}

/// Reads an object's body as it arrives and hands it on in parts of given lengths, cutting buffers at part ends.
struct PartReader {
    var body: ResponseBody.AsyncIterator
    let key: String
    /// The object's size: a body longer or shorter fails the copy.
    let size: Int
    private var read = 0
    /// The bytes of the last buffer past the end of the previous part.
    private var carried: ByteBuffer?

    init(body: ResponseBody.AsyncIterator, key: String, size: Int) {
        (self.body, self.key, self.size) = (body, key, size)
    }

    /// Sends the next `length` bytes to `channel` (and finishes it); returns their MD5 in hex.
    mutating func send(_ length: Int, to channel: AsyncChannel<ByteBuffer>, bandwidth: BandwidthLimiter?) async throws -> String {
        var md5 = Insecure.MD5(), sent = 0
        while sent < length {
            var chunk = try await nextBuffer()
            if chunk.readableBytes > length - sent {
                carried = chunk.getSlice(at: chunk.readerIndex + length - sent, length: chunk.readableBytes - (length - sent))
                chunk = chunk.getSlice(at: chunk.readerIndex, length: length - sent)!
            }
            chunk.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
            try await bandwidth?.take(chunk.readableBytes)
            sent += chunk.readableBytes
            await channel.send(chunk)
        }
        channel.finish()
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: md5.finalize().flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }

    /// Fails unless the body has ended.
    mutating func expectEnd() async throws {
        let more = try await body.next()
        if carried != nil || more != nil { throw CopyError.sizeMismatch(key: key, expected: size, read: size + (carried ?? more)!.readableBytes) }
    }

    private mutating func nextBuffer() async throws -> ByteBuffer {
        if let held = carried.take() { return held }
        guard let next = try await body.next() else { throw CopyError.sizeMismatch(key: key, expected: size, read: read) }
        read += next.readableBytes
        guard read <= size else { throw CopyError.sizeMismatch(key: key, expected: size, read: read) }
        return next
    }
}
