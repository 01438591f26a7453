import Foundation
import NIOCore
import NIOHTTP1

/// What HEAD tells about an object: enough to copy it faithfully and to compare two copies.
public struct ObjectHead: Sendable, Equatable {
    /// Size in bytes.
    public var size: Int
    /// The ETag without quotes (`<md5>` for single uploads, `<md5>-<parts>` for multipart ones).
    public var eTag: String
    /// The version id, when the bucket is versioned.
    public var versionID: String?
    /// Standard headers worth keeping: Content-Type, Content-Encoding, Content-Disposition, Cache-Control,
    /// Content-Language, Expires (lower-case names).
    public var standardHeaders: [String: String]
    /// User metadata (`x-amz-meta-*`, the suffix in lower case).
    public var metadata: [String: String]
    /// How many tags the object has (`x-amz-tagging-count`); nil when the server does not say.
    public var tagCount: Int?
    /// The server-side encryption it is stored with (`x-amz-server-side-encryption`: `AES256`, `aws:kms`); nil: none said.
    public var serverSideEncryption: String?

    /// Header names copied as they are.
    public static let copiedHeaderNames = ["content-type", "content-encoding", "content-disposition", "cache-control", "content-language", "expires"]

    /// Creates a description.
    public init(size: Int, eTag: String, versionID: String? = nil, standardHeaders: [String: String] = [:], metadata: [String: String] = [:],
                tagCount: Int? = nil) {
        self.tagCount = tagCount
        self.size = size
        self.eTag = eTag
        self.versionID = versionID
        self.standardHeaders = standardHeaders
        self.metadata = metadata
    }

    /// Reads a HEAD or GET response's headers.
    init(_ headers: HTTPHeaders) {
        var standard: [String: String] = [:]
        for name in Self.copiedHeaderNames { if let value = headers.first(name: name) { standard[name] = value } }
        var metadata: [String: String] = [:]
        for (name, value) in headers where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        self.init(size: Int(headers.first(name: "content-length") ?? "") ?? 0,
                  eTag: S3Client.unquoted(eTag: headers.first(name: "etag") ?? ""),
                  versionID: headers.first(name: "x-amz-version-id"), standardHeaders: standard, metadata: metadata,
                  tagCount: headers.first(name: "x-amz-tagging-count").flatMap { Int($0) })
        serverSideEncryption = headers.first(name: "x-amz-server-side-encryption")
    }

    /// The headers that give a new object the same Content-* settings and user metadata.
    public var headersForCopy: [(name: String, value: String)] {
        standardHeaders.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            + metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
    }
}

extension S3Client {
    /// HEAD of an object (of one of its versions with `versionID`); nil when there is no such key.
    public func headObject(bucket: String, key: String, versionID: String? = nil) async throws -> ObjectHead? {
        let response: AWSHTTPResponse
        do {
            response = try await send("HeadObject", .HEAD, bucket: bucket, key: key, query: Self.version(versionID))
        } catch let error as AWSServiceError where error.statusCode == 404 {
            return nil
        }
        return ObjectHead(response.headers)
    }

    /// The object with what its response headers say about it (one request instead of HEAD then GET), reading at
    /// most `limit + 1` bytes: a body longer than `limit` means the object is larger and the answer is incomplete.
    public func getObjectWithHead(bucket: String, key: String, limit: Int) async throws -> (head: ObjectHead, body: ByteBuffer) {
        var headers = HTTPHeaders()
        headers.add(name: "range", value: "bytes=0-\(limit)")
        let response = try await send("GetObject", .GET, bucket: bucket, key: key, headers: headers)
        var head = ObjectHead(response.headers)
        head.size = response.buffer.readableBytes
        return (head, response.buffer)
    }

    /// The bytes of an object, or of `range` of it (inclusive offsets), as received (no copy). With `ifMatch`, S3
    /// refuses (412) when the object changed since that ETag was seen, so the parts of one copy always come from one
    /// version. `versionID` reads that version instead of the current one.
    public func getObject(bucket: String, key: String, range: ClosedRange<Int>? = nil, ifMatch eTag: String? = nil,
                          versionID: String? = nil) async throws -> ByteBuffer {
        var headers = HTTPHeaders()
        if let range { headers.add(name: "range", value: "bytes=\(range.lowerBound)-\(range.upperBound)") }
        if let eTag { headers.add(name: "if-match", value: "\"\(eTag)\"") }
        return try await send("GetObject", .GET, bucket: bucket, key: key, query: Self.version(versionID), headers: headers).buffer
    }

    /// The `versionId` query of a request about one version.
    static func version(_ versionID: String?) -> [(name: String, value: String)] {
        versionID.map { [("versionId", $0)] } ?? []
    }

    /// One GET of the whole object, its body handed to `consume` as it arrives (nothing is collected: memory is what
    /// `consume` keeps). With `ifMatch`, S3 refuses (412) when the object changed since that ETag was seen.
    public func withObjectBody<T>(bucket: String, key: String, ifMatch eTag: String?, versionID: String? = nil,
                                  _ consume: (ResponseBody) async throws -> T) async throws -> T {
        var headers = HTTPHeaders()
        if let eTag { headers.add(name: "if-match", value: "\"\(eTag)\"") }
        return try await streaming("GetObject", bucket: bucket, key: key, query: Self.version(versionID), headers: headers) { _, body in try await consume(body) }
    }

    /// The bytes of an object (a copy of ``getObject(bucket:key:range:ifMatch:)``'s buffer, for comparing).
    public func getObjectBytes(bucket: String, key: String) async throws -> [UInt8] {
        Array(buffer: try await getObject(bucket: bucket, key: key))
    }

    /// Uploads an object in one request with extra headers (Content-*, `x-amz-meta-*`, `x-amz-tagging`); returns
    /// the new ETag without quotes.
    @discardableResult
    public func putObject(bucket: String, key: String, body: ByteBuffer, headers extra: [(name: String, value: String)]) async throws -> String {
        var headers = HTTPHeaders()
        for header in extra { headers.add(name: header.name, value: header.value) }
        let response = try await send("PutObject", .PUT, bucket: bucket, key: key, headers: headers, body: body, objectData: true)
        return S3Client.unquoted(eTag: response.headers.first(name: "etag") ?? "")
    }

    /// ``putObject(bucket:key:body:headers:)`` with the body as bytes.
    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], headers extra: [(name: String, value: String)]) async throws -> String {
        try await putObject(bucket: bucket, key: key, body: ByteBuffer(bytes: body), headers: extra)
    }

    /// The object's tags (of one of its versions with `versionID`).
    public func getObjectTagging(bucket: String, key: String, versionID: String? = nil) async throws -> [String: String] {
        let root = try xml(try await send("GetObjectTagging", .GET, bucket: bucket, key: key, query: [("tagging", "")] + Self.version(versionID)),
                           operation: "GetObjectTagging")
        var tags: [String: String] = [:]
        for tag in root.firstDescendant(named: "TagSet")?.children(named: "Tag") ?? [] {
            if let key = tag.childText("Key") { tags[key] = tag.childText("Value") ?? "" }
        }
        return tags
    }

    /// `x-amz-tagging` header value for `tags` (form-encoded `k=v&k=v`), nil when there are none.
    public static func taggingHeader(_ tags: [String: String]) -> String? {
        guard !tags.isEmpty else { return nil }
        return tags.sorted { $0.key < $1.key }.map { "\(PercentEncoding.encode($0.key))=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }

    /// Starts a multipart upload with the new object's headers; returns the upload id.
    public func createMultipartUpload(bucket: String, key: String, headers extra: [(name: String, value: String)]) async throws -> String {
        var headers = HTTPHeaders()
        for header in extra { headers.add(name: header.name, value: header.value) }
        let root = try xml(try await send("CreateMultipartUpload", .POST, bucket: bucket, key: key, query: [("uploads", "")], headers: headers), operation: "CreateMultipartUpload")
        guard let id = root.childText("UploadId"), !id.isEmpty else {
            throw AWSClientError(.invalidResponse, "S3 CreateMultipartUpload: the response has no UploadId")
        }
        return id
    }

    /// Uploads one part (numbered from 1); returns its ETag without quotes.
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, body: ByteBuffer) async throws -> String {
        let response = try await send("UploadPart", .PUT, bucket: bucket, key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)], body: body,
                                      objectData: true)
        return S3Client.unquoted(eTag: response.headers.first(name: "etag") ?? "")
    }

    /// Uploads one part of `length` bytes sent as they arrive from `body` (nothing is collected): signed
    /// `UNSIGNED-PAYLOAD` and without Content-MD5, since the bytes are not known before they are sent, and not retried.
    /// Returns the part's ETag and the response's headers, for the caller to compare the ETag with the MD5 it computed
    /// (see ``partETagIsMD5(_:)``).
    public func uploadPart<Body: AsyncSequence & Sendable>(bucket: String, key: String, uploadID: String, partNumber: Int, length: Int,
                                                           streaming body: Body) async throws -> (eTag: String, headers: HTTPHeaders)
    where Body.Element == ByteBuffer {
        let (endpoint, path) = location(bucket: bucket, key: key)
        var request = AWSHTTPRequest(serviceName: "S3", operation: "UploadPart", endpoint: endpoint, method: .PUT, path: path,
                                     query: [("partNumber", String(partNumber)), ("uploadId", uploadID)], trust: configuration.trust)
        request.streamedBody = .stream(body, length: .known(Int64(length)))
        let response = try await transport.sendStreamedBody(request, signer: signer)
        return (S3Client.unquoted(eTag: response.headers.first(name: "etag") ?? ""), response.headers)
    }

    /// Whether the ETag of a part uploaded with `headers` in its response is the MD5 of its bytes: yes, unless the
    /// target encrypted it with KMS or a customer key (its ETag is then something else).
    public static func partETagIsMD5(_ headers: HTTPHeaders) -> Bool {
        !(headers.first(name: "x-amz-server-side-encryption")?.hasPrefix("aws:kms") ?? false)
            && headers.first(name: "x-amz-server-side-encryption-customer-algorithm") == nil
    }

    /// ``uploadPart(bucket:key:uploadID:partNumber:body:)`` with the body as bytes.
    public func uploadPart(bucket: String, key: String, uploadID: String, partNumber: Int, body: [UInt8]) async throws -> String {
        try await uploadPart(bucket: bucket, key: key, uploadID: uploadID, partNumber: partNumber, body: ByteBuffer(bytes: body))
    }

    /// Completes a multipart upload from its parts' numbers and ETags; returns the object's ETag (empty on RGW
    /// versioned buckets, which leave it out).
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [(number: Int, eTag: String)]) async throws -> String {
        let body = XMLNode("CompleteMultipartUpload", attributes: ["xmlns": XMLNode.s3Namespace], children: parts.map { part in
            XMLNode("Part", children: [XMLNode("PartNumber", text: String(part.number)), XMLNode("ETag", text: "\"\(part.eTag)\"")])
        })
        let root = try xml(try await send("CompleteMultipartUpload", .POST, bucket: bucket, query: [("uploadId", uploadID)], xml: body, key: key), operation: "CompleteMultipartUpload")
        if root.name == "Error" {
            throw AWSServiceError(service: "S3", operation: "CompleteMultipartUpload", code: root.childText("Code") ?? "InternalError", message: root.childText("Message") ?? "", statusCode: 200)
        }
        return S3Client.unquoted(eTag: root.childText("ETag") ?? "")
    }

    /// Abandons a multipart upload so its parts stop taking space.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        try await send("AbortMultipartUpload", .DELETE, bucket: bucket, key: key, query: [("uploadId", uploadID)])
    }

    /// The multipart uploads of `bucket` under `prefix` that were started and neither completed nor aborted (every
    /// page).
    public func listMultipartUploads(bucket: String, prefix: String) async throws -> [IncompleteUpload] {
        var uploads: [IncompleteUpload] = []
        var markers: (key: String, uploadID: String)?
        repeat {
            var query: [(name: String, value: String)] = [("uploads", ""), ("encoding-type", "url"), ("prefix", prefix)]
            if let markers { query += [("key-marker", markers.key), ("upload-id-marker", markers.uploadID)] }
            let root = try xml(try await send("ListMultipartUploads", .GET, bucket: bucket, query: query), operation: "ListMultipartUploads")
            let encoded = root.childText("EncodingType") == "url"
            func decode(_ text: String) -> String { encoded ? PercentEncoding.decode(text, plusAsSpace: true) : text }
            uploads += root.children(named: "Upload").compactMap { upload in
                guard let key = upload.childText("Key"), let id = upload.childText("UploadId") else { return nil }
                return IncompleteUpload(key: decode(key), uploadID: id, initiated: upload.childText("Initiated").flatMap(S3Timestamp.parse))
            }
            markers = nil
            if root.childText("IsTruncated") == "true", let key = root.childText("NextKeyMarker"), let id = root.childText("NextUploadIdMarker") {
                markers = (decode(key), id)
            }
        } while markers != nil
        return uploads
    }
}

/// A multipart upload started and not yet completed or aborted: its parts take space, the object is not visible.
public struct IncompleteUpload: Sendable, Equatable {
    /// The key the upload would create.
    public var key: String
    /// Its upload id (to abort it).
    public var uploadID: String
    /// When it was started.
    public var initiated: Date?
}
