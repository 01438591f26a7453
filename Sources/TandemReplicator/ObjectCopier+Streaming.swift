import AWSClient
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

    /// One GET of the whole object (If-Match), cut into parts as it arrives, `partsInFlight` uploading at a time: one
    /// request for the whole read, where ranged GETs would cost one each (and a server that reads the whole object for
    /// every range, as moto does, a whole object's time each). A part's buffer is taken only once an upload slot is
    /// free, and reading waits for it, which holds the sender back: memory stays at most `partsInFlight` x `partSize`.
    func streamInParts(_ head: ObjectHead, _ route: Route) async throws {
        let (target, bandwidth, partSize, slots) = (target, bandwidth, settings.partSize, settings.partsInFlight)
        try await multipartUpload(head, route) { uploadID in
            try await source.withObjectBody(bucket: route.bucket, key: route.key, ifMatch: head.eTag, versionID: route.versionID) { body in
                try await withThrowingTaskGroup(of: (number: Int, eTag: String).self) { group in
                    var parts: [(number: Int, eTag: String)] = []
                    var uploading = 0, number = 0, read = 0
                    var filling: ByteBuffer?
                    /// A buffer for the next part, once fewer than `slots` parts are uploading.
                    func nextPartBuffer(holding remaining: Int) async throws -> ByteBuffer {
                        if uploading == slots, let finished = try await group.next() {
                            parts.append(finished)
                            uploading -= 1
                        }
                        return ByteBufferAllocator().buffer(capacity: min(partSize, remaining))
                    }
                    func upload(_ part: ByteBuffer) {
                        number += 1
                        uploading += 1
                        let partNumber = number
                        group.addTask {
                            try await bandwidth?.take(part.readableBytes)
                            return (partNumber, try await target.uploadPart(bucket: route.targetBucket, key: route.targetKey, uploadID: uploadID,
                                                                            partNumber: partNumber, body: part))
                        }
                    }
                    for try await var chunk in body {
                        read += chunk.readableBytes
                        guard read <= head.size else { throw CopyError.sizeMismatch(key: route.key, expected: head.size, read: read) }
                        while chunk.readableBytes > 0 {
                            // Taken out of `filling` while written, so the buffer is never shared (a write would copy it).
                            var part: ByteBuffer
                            if let held = filling.take() { part = held } else { part = try await nextPartBuffer(holding: head.size - read + chunk.readableBytes) }
                            var slice = chunk.readSlice(length: min(partSize - part.readableBytes, chunk.readableBytes))!
                            part.writeBuffer(&slice)
                            if part.readableBytes == partSize { upload(part) } else { filling = part }
                        }
                    }
                    guard read == head.size else { throw CopyError.sizeMismatch(key: route.key, expected: head.size, read: read) }
                    if let filling, filling.readableBytes > 0 { upload(filling) }
                    while let finished = try await group.next() { parts.append(finished) }
                    return parts
                }
            }
        }
    }
}
