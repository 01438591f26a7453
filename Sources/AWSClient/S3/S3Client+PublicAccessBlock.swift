/// A bucket's public access block: four independent switches.
public struct PublicAccessBlock: Sendable, Equatable {
    /// Reject requests that add public ACLs.
    public var blockPublicAcls: Bool
    /// Ignore existing public ACLs.
    public var ignorePublicAcls: Bool
    /// Reject bucket policies that grant public access.
    public var blockPublicPolicy: Bool
    /// Restrict access to a bucket with a public policy to AWS principals of the owning account.
    public var restrictPublicBuckets: Bool

    /// Creates a block; every switch defaults to off, as S3 treats an omitted one.
    public init(blockPublicAcls: Bool = false, ignorePublicAcls: Bool = false, blockPublicPolicy: Bool = false, restrictPublicBuckets: Bool = false) {
        self.blockPublicAcls = blockPublicAcls
        self.ignorePublicAcls = ignorePublicAcls
        self.blockPublicPolicy = blockPublicPolicy
        self.restrictPublicBuckets = restrictPublicBuckets
    }

    /// All four switches on: the AWS recommendation.
    public static let all = PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true)
}

extension S3Client {
    /// The public access block, or `nil` when none is set (`NoSuchPublicAccessBlockConfiguration`).
    public func getPublicAccessBlock(_ name: String) async throws -> PublicAccessBlock? {
        let response: AWSHTTPResponse
        do {
            response = try await send("GetPublicAccessBlock", .GET, bucket: name, query: [("publicAccessBlock", "")])
        } catch let error as AWSServiceError where error.code == "NoSuchPublicAccessBlockConfiguration" {
            return nil
        }
        let root = try xml(response, operation: "GetPublicAccessBlock")
        func flag(_ name: String) -> Bool { root.childText(name)?.lowercased() == "true" }
        return PublicAccessBlock(
            blockPublicAcls: flag("BlockPublicAcls"), ignorePublicAcls: flag("IgnorePublicAcls"),
            blockPublicPolicy: flag("BlockPublicPolicy"), restrictPublicBuckets: flag("RestrictPublicBuckets"))
    }

    /// Sets all four switches.
    public func putPublicAccessBlock(_ name: String, _ block: PublicAccessBlock) async throws {
        func flag(_ name: String, _ value: Bool) -> XMLNode { XMLNode(name, text: value ? "true" : "false") }
        let body = XMLNode(
            "PublicAccessBlockConfiguration", attributes: ["xmlns": XMLNode.s3Namespace],
            children: [
                flag("BlockPublicAcls", block.blockPublicAcls),
                flag("IgnorePublicAcls", block.ignorePublicAcls),
                flag("BlockPublicPolicy", block.blockPublicPolicy),
                flag("RestrictPublicBuckets", block.restrictPublicBuckets),
            ])
        try await send("PutPublicAccessBlock", .PUT, bucket: name, query: [("publicAccessBlock", "")], xml: body)
    }

    /// Removes the public access block.
    public func deletePublicAccessBlock(_ name: String) async throws {
        try await send("DeletePublicAccessBlock", .DELETE, bucket: name, query: [("publicAccessBlock", "")])
    }
}
