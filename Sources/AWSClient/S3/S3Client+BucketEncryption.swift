/// A bucket's default server-side encryption rule.
public struct BucketEncryption: Sendable, Equatable {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    public var algorithm: String
    /// The KMS key id or ARN, for the KMS algorithms.
    public var kmsMasterKeyID: String?
    /// Whether S3 Bucket Keys are used for KMS; `nil` when the service did not say.
    public var bucketKeyEnabled: Bool?

    /// Creates an encryption rule.
    public init(algorithm: String, kmsMasterKeyID: String? = nil, bucketKeyEnabled: Bool? = nil) {
        self.algorithm = algorithm
        self.kmsMasterKeyID = kmsMasterKeyID
        self.bucketKeyEnabled = bucketKeyEnabled
    }
}

extension S3Client {
    /// The default encryption, or `nil` when none is configured
    /// (`ServerSideEncryptionConfigurationNotFoundError`). Note that AWS has given every bucket
    /// an `AES256` default since 2023, while moto still answers "not found".
    public func getBucketEncryption(_ name: String) async throws -> BucketEncryption? {
        let response: AWSHTTPResponse
        do {
            response = try await send("GetBucketEncryption", .GET, bucket: name, query: [("encryption", "")])
        } catch let error as AWSServiceError where error.code == "ServerSideEncryptionConfigurationNotFoundError" {
            return nil
        }
        let root = try xml(response, operation: "GetBucketEncryption")
        guard let rule = root.child("Rule"),
              let algorithm = rule.child("ApplyServerSideEncryptionByDefault")?.childText("SSEAlgorithm") else {
            return nil
        }
        let keyID = rule.child("ApplyServerSideEncryptionByDefault")?.childText("KMSMasterKeyID")
        return BucketEncryption(
            algorithm: algorithm,
            kmsMasterKeyID: keyID?.isEmpty == false ? keyID : nil,
            bucketKeyEnabled: rule.childText("BucketKeyEnabled").map { $0 == "true" })
    }

    /// Sets the default encryption rule.
    public func putBucketEncryption(_ name: String, _ encryption: BucketEncryption) async throws {
        var byDefault = [XMLNode("SSEAlgorithm", text: encryption.algorithm)]
        if let keyID = encryption.kmsMasterKeyID {
            byDefault.append(XMLNode("KMSMasterKeyID", text: keyID))
        }
        var rule = [XMLNode("ApplyServerSideEncryptionByDefault", children: byDefault)]
        if let bucketKey = encryption.bucketKeyEnabled {
            rule.append(XMLNode("BucketKeyEnabled", text: bucketKey ? "true" : "false"))
        }
        let body = XMLNode(
            "ServerSideEncryptionConfiguration", attributes: ["xmlns": XMLNode.s3Namespace],
            children: [XMLNode("Rule", children: rule)])
        try await send("PutBucketEncryption", .PUT, bucket: name, query: [("encryption", "")], xml: body)
    }

    /// Removes the default encryption configuration.
    public func deleteBucketEncryption(_ name: String) async throws {
        try await send("DeleteBucketEncryption", .DELETE, bucket: name, query: [("encryption", "")])
    }
}
