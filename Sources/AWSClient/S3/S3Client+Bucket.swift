import NIOHTTP1

extension S3Client {
    /// Creates a bucket. The `CreateBucketConfiguration` body is sent only for a location
    /// constraint other than `us-east-1` (S3 rejects `us-east-1` as an explicit constraint).
    public func createBucket(_ name: String, locationConstraint: String?) async throws {
        guard let constraint = locationConstraint, !constraint.isEmpty, constraint != "us-east-1" else {
            try await send("CreateBucket", .PUT, bucket: name)
            return
        }
        let body = XMLNode(
            "CreateBucketConfiguration", attributes: ["xmlns": XMLNode.s3Namespace],
            children: [XMLNode("LocationConstraint", text: constraint)])
        try await send("CreateBucket", .PUT, bucket: name, query: [], xml: body)
    }

    /// The names of the buckets the caller's identity owns (ListBuckets), sorted.
    public func listBuckets() async throws -> [String] {
        let root = try xml(try await send("ListBuckets", .GET, bucket: ""), operation: "ListBuckets")
        return (root.child("Buckets")?.children(named: "Bucket") ?? []).compactMap { $0.childText("Name") }.sorted()
    }

    /// Whether the bucket exists (HEAD bucket): `false` on 404; other failures (403 for a
    /// bucket owned by someone else, 301 for a wrong region) throw.
    public func bucketExists(_ name: String) async throws -> Bool {
        do {
            try await send("HeadBucket", .HEAD, bucket: name)
            return true
        } catch let error as AWSServiceError where error.statusCode == 404 {
            return false
        }
    }

    /// The bucket's region. An empty location constraint means `us-east-1`, and the legacy `EU` means `eu-west-1`.
    public func getBucketLocation(_ name: String) async throws -> String {
        let response = try await send("GetBucketLocation", .GET, bucket: name, query: [("location", "")])
        let constraint = try xml(response, operation: "GetBucketLocation").text
        switch constraint {
        case "", "null": return "us-east-1"
        case "EU": return "eu-west-1"
        default: return constraint
        }
    }

    /// Deletes an empty bucket (`BucketNotEmpty` 409 otherwise, `NoSuchBucket` 404 if missing).
    public func deleteBucket(_ name: String) async throws {
        try await send("DeleteBucket", .DELETE, bucket: name)
    }
}
