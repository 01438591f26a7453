import NIOHTTP1

/// What a server-side copy does with the source's metadata and tags.
public enum CopyDirective: Sendable {
    /// `x-amz-metadata-directive: COPY` and `x-amz-tagging-directive: COPY`: the new object gets the source's
    /// Content-* headers, user metadata and tags as they are (the only way RGW keeps tags on a copy), plus these
    /// headers that are not metadata (such as `x-amz-acl`).
    case keepSource([(name: String, value: String)])
    /// `REPLACE` for both: the new object gets exactly these headers (Content-*, `x-amz-meta-*`, `x-amz-tagging`).
    case replace([(name: String, value: String)])
}

extension S3Client {
    /// CopyObject: copies `sourceBucket/sourceKey` (at most 5 GiB) into `bucket/key` inside the server, no bytes
    /// through the client; returns the new ETag without quotes. With `ifMatch` the server refuses (412) when the
    /// source's ETag changed. Throws `NoSuchKey` (404) when the source does not exist.
    @discardableResult
    public func copyObject(bucket: String, key: String, from sourceBucket: String, key sourceKey: String, ifMatch eTag: String?,
                           directive: CopyDirective) async throws -> String {
        var headers = copySourceHeaders(sourceBucket, sourceKey, ifMatch: eTag)
        switch directive {
        case .keepSource(let extra):
            headers.add(name: "x-amz-metadata-directive", value: "COPY")
            headers.add(name: "x-amz-tagging-directive", value: "COPY")
            for header in extra { headers.add(name: header.name, value: header.value) }
        case .replace(let replacement):
            headers.add(name: "x-amz-metadata-directive", value: "REPLACE")
            headers.add(name: "x-amz-tagging-directive", value: "REPLACE")
            for header in replacement { headers.add(name: header.name, value: header.value) }
        }
        return try copyResultETag(try await send("CopyObject", .PUT, bucket: bucket, key: key, headers: headers), operation: "CopyObject")
    }

    /// UploadPartCopy: copies `range` (inclusive offsets) of `sourceBucket/sourceKey` into part `partNumber` of a
    /// multipart upload inside the server; returns the part's ETag without quotes.
    public func uploadPartCopy(bucket: String, key: String, uploadID: String, partNumber: Int, from sourceBucket: String, key sourceKey: String,
                               range: ClosedRange<Int>, ifMatch eTag: String?) async throws -> String {
        var headers = copySourceHeaders(sourceBucket, sourceKey, ifMatch: eTag)
        headers.add(name: "x-amz-copy-source-range", value: "bytes=\(range.lowerBound)-\(range.upperBound)")
        let response = try await send("UploadPartCopy", .PUT, bucket: bucket, key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)], headers: headers)
        return try copyResultETag(response, operation: "UploadPartCopy")
    }

    /// `x-amz-copy-source` (URL-encoded `/bucket/key`) and the source's If-Match. RGW before Quincy reads If-Match of
    /// a copy only under its older name `x-amz-copy-if-match`, so custom endpoints get both (AWS gets the standard one).
    private func copySourceHeaders(_ bucket: String, _ key: String, ifMatch eTag: String?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "x-amz-copy-source", value: "/" + PercentEncoding.encode(bucket) + "/" + PercentEncoding.encode(key, keepingSlashes: true))
        if let eTag {
            headers.add(name: "x-amz-copy-source-if-match", value: "\"\(eTag)\"")
            if usesCustomEndpoint { headers.add(name: "x-amz-copy-if-match", value: "\"\(eTag)\"") }
        }
        return headers
    }

    /// The ETag of a `CopyObjectResult` or `CopyPartResult`; a copy can fail after its 200 status line, with an
    /// `Error` document as the body.
    private func copyResultETag(_ response: AWSHTTPResponse, operation: String) throws -> String {
        let root = try xml(response, operation: operation)
        if root.name == "Error" {
            throw AWSServiceError(service: "S3", operation: operation, code: root.childText("Code") ?? "InternalError", message: root.childText("Message") ?? "", statusCode: 200)
        }
        guard let eTag = root.childText("ETag") else { throw AWSClientError(.invalidResponse, "S3 \(operation): the response has no ETag") }
        return Self.unquoted(eTag: eTag)
    }
}
