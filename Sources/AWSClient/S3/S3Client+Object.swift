import NIOHTTP1

extension S3Client {
    /// Uploads a small object in one request (the body is held in memory and signed).
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String?) async throws {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "content-type", value: contentType) }
        try await send(.PUT, bucket: bucket, key: key, headers: headers, body: body)
    }

    /// Every key in the bucket, in S3's (UTF-8 binary) order, following ListObjectsV2 continuation tokens.
    /// Memory grows with the number of keys: meant for tests and emptiness checks.
    public func listObjectKeys(bucket: String) async throws -> [String] {
        var keys: [String] = []
        var continuationToken: String?
        repeat {
            // `encoding-type=url` keeps keys with characters XML cannot carry intact.
            var query: [(name: String, value: String)] = [("list-type", "2"), ("encoding-type", "url")]
            if let token = continuationToken { query.append(("continuation-token", token)) }
            let response = try await send(.GET, bucket: bucket, query: query)
            let root = try xml(response, operation: "ListObjectsV2")
            let encoded = root.childText("EncodingType") == "url"
            for item in root.children(named: "Contents") {
                guard let key = item.childText("Key") else { continue }
                keys.append(encoded ? PercentEncoding.decode(key, plusAsSpace: true) : key)
            }
            continuationToken = root.childText("IsTruncated") == "true" ? root.childText("NextContinuationToken") : nil
        } while continuationToken != nil
        return keys
    }

    /// Deletes one object, or one version of it (succeeds when the key does not exist, as S3 does).
    public func deleteObject(bucket: String, key: String, versionID: String? = nil) async throws {
        try await send(.DELETE, bucket: bucket, key: key, query: versionID.map { [("versionId", $0)] } ?? [])
    }
}
