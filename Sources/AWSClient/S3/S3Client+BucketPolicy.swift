import NIOCore

extension S3Client {
    /// The bucket policy as JSON text; nil when none is set (`NoSuchBucketPolicy`).
    public func getBucketPolicy(_ name: String) async throws -> String? {
        do {
            return String(decoding: try await send("GetBucketPolicy", .GET, bucket: name, query: [("policy", "")]).body, as: UTF8.self)
        } catch let error as AWSServiceError where error.code == "NoSuchBucketPolicy" {
            return nil
        }
    }

    /// Sets the bucket policy.
    public func putBucketPolicy(_ name: String, policy: String) async throws {
        try await send("PutBucketPolicy", .PUT, bucket: name, query: [("policy", "")], body: ByteBuffer(string: policy))
    }

    /// Removes the bucket policy.
    public func deleteBucketPolicy(_ name: String) async throws {
        try await send("DeleteBucketPolicy", .DELETE, bucket: name, query: [("policy", "")])
    }
}
