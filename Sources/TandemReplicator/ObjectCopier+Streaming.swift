import AWSClient
import NIOCore

/// Copies that move the bytes through the replicator: what works between any two endpoints.
extension ObjectCopier {
    /// GET (If-Match) -> PUT up to the multipart threshold, ranged GETs -> UploadPart above it. A single upload whose
    /// ETag is the source's proves the bytes end to end; otherwise the target's size is checked with HEAD.
    func stream(_ head: ObjectHead, _ route: Route) async throws {
        if head.size <= settings.multipartThreshold {
            let body = try await source.getObject(bucket: route.bucket, key: route.key, ifMatch: head.eTag)
            guard body.readableBytes == head.size else { throw CopyError.sizeMismatch(key: route.key, expected: head.size, read: body.readableBytes) }
            let written = try await target.putObject(bucket: route.targetBucket, key: route.targetKey, body: body, headers: try await headersForCopy(of: head, route))
            // A single upload's ETag is the MD5 of its body: equal to the source's, the bytes are verified end to end.
            if written == head.eTag { return }
        } else {
            let (source, target) = (source, target)
            try await uploadInParts(head, route, partSize: settings.partSize) { number, range, uploadID in
                let body = try await source.getObject(bucket: route.bucket, key: route.key, range: range, ifMatch: head.eTag)
                guard body.readableBytes == range.count else { throw CopyError.sizeMismatch(key: route.key, expected: range.count, read: body.readableBytes) }
                return try await target.uploadPart(bucket: route.targetBucket, key: route.targetKey, uploadID: uploadID, partNumber: number, body: body)
            }
        }
        guard let written = try await target.headObject(bucket: route.targetBucket, key: route.targetKey), written.size == head.size else {
            throw CopyError.verificationFailed(key: route.targetKey)
        }
    }

    /// One GET (body and headers) and one PUT, for small objects the target is known to lack; nil when the object
    /// turned out larger than the threshold (it grew since it was listed) or empty (it has no byte 0 to range).
    func streamSmall(_ route: Route) async throws -> Outcome? {
        let head: ObjectHead, body: ByteBuffer
        do {
            (head, body) = try await source.getObjectWithHead(bucket: route.bucket, key: route.key, limit: settings.multipartThreshold)
        } catch let error as AWSServiceError where error.statusCode == 416 {
            return nil
        }
        guard body.readableBytes <= settings.multipartThreshold else { return nil }
        let written = try await target.putObject(bucket: route.targetBucket, key: route.targetKey, body: body, headers: try await headersForCopy(of: head, route))
        if written != head.eTag {
            guard let check = try await target.headObject(bucket: route.targetBucket, key: route.targetKey), check.size == head.size else {
                throw CopyError.verificationFailed(key: route.targetKey)
            }
        }
        return .copied(bytes: head.size)
    }
}
