import AWSClient

/// Copies inside the server, for a source and target on one endpoint: no bytes through the replicator.
///
/// Up to `singleCopyLimit` one CopyObject that keeps the source's metadata and tags (`COPY` directives: RGW drops
/// tags on a copy with `REPLACE`). The copy then has the source's ETag on RGW, and is recognised as current by it;
/// where the server gives it an ETag of its own (AWS and moto for multipart sources), the copy is made again with
/// `REPLACE` and exactly the headers a streamed copy writes, the recorded source ETag among them. Larger objects go
/// in parts with UploadPartCopy under a multipart upload carrying those headers.
extension ObjectCopier {
    /// Copies the listed version (`If-Match` its ETag) with one request when the server keeps the ETag.
    func copyInServer(_ listed: ListedObject, _ route: Route) async throws -> Outcome {
        let written = try await target.copyObject(bucket: route.targetBucket, key: route.targetKey, from: route.bucket, key: route.key,
                                                  ifMatch: listed.eTag, directive: .keepSource(aclHeaders))
        if written == listed.eTag { return .copied(bytes: listed.size) }
        guard let head = try await source.headObject(bucket: route.bucket, key: route.key) else { return .sourceGone }
        try await copyRecordingSourceETag(head, route)
        return .copied(bytes: head.size)
    }

    /// Copies the version HEAD saw.
    func copyInServer(_ head: ObjectHead, _ route: Route) async throws {
        guard head.size <= settings.singleCopyLimit else { return try await copyPartsInServer(head, route) }
        let written = try await target.copyObject(bucket: route.targetBucket, key: route.targetKey, from: route.bucket, key: route.key,
                                                  ifMatch: head.eTag, directive: .keepSource(aclHeaders))
        guard written != head.eTag else { return }
        // Another ETag: the server keeps none of its own, or (a server ignoring x-amz-copy-source-if-match, as moto
        // does) the source changed since HEAD and the copy took the new version. Writing HEAD's headers over that
        // body would pair one version's metadata with another's bytes: a changed source is copied as it is now.
        guard let now = try await source.headObject(bucket: route.bucket, key: route.key) else { return }
        try await copyRecordingSourceETag(now, route)
    }

    /// CopyObject with `REPLACE`: the headers a streamed copy writes (Content-*, user metadata, source ETag, tags).
    private func copyRecordingSourceETag(_ head: ObjectHead, _ route: Route) async throws {
        try await target.copyObject(bucket: route.targetBucket, key: route.targetKey, from: route.bucket, key: route.key, ifMatch: head.eTag,
                                    directive: .replace(try await headersForCopy(of: head, route)))
    }

    /// UploadPartCopy, `partsInFlight` parts at a time, in parts of at least `partSize` (more when the object needs
    /// over 10,000 parts). RGW before Quincy ignores If-Match on UploadPartCopy, so the source's ETag is checked again
    /// once every part is copied: a source that changed meanwhile fails the copy with 412, and it starts over.
    private func copyPartsInServer(_ head: ObjectHead, _ route: Route) async throws {
        let (source, target) = (source, target)
        try await uploadInParts(head, route, partSize: max(settings.partSize, (head.size + 9_999) / 10_000), beforeCompleting: {
            guard let now = try await source.headObject(bucket: route.bucket, key: route.key), now.eTag == head.eTag else {
                throw AWSServiceError(service: "S3", operation: "UploadPartCopy", code: "PreconditionFailed", message: "\(route.key) changed while its parts were copied", statusCode: 412)
            }
        }) { number, range, uploadID in
            try await target.uploadPartCopy(bucket: route.targetBucket, key: route.targetKey, uploadID: uploadID, partNumber: number,
                                            from: route.bucket, key: route.key, range: range, ifMatch: head.eTag)
        }
    }
}
