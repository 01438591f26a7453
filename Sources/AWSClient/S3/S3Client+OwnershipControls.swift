extension S3Client {
    /// The bucket's object ownership (`BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`); nil when unset.
    public func getBucketOwnershipControls(_ name: String) async throws -> String? {
        let response: AWSHTTPResponse
        do {
            response = try await send("GetBucketOwnershipControls", .GET, bucket: name, query: [("ownershipControls", "")])
        } catch let error as AWSServiceError where error.code == "OwnershipControlsNotFoundError" {
            return nil
        }
        return try xml(response, operation: "GetBucketOwnershipControls").firstDescendant(named: "ObjectOwnership")?.text
    }

    /// Sets the object ownership.
    public func putBucketOwnershipControls(_ name: String, objectOwnership: String) async throws {
        let body = XMLNode("OwnershipControls", attributes: ["xmlns": XMLNode.s3Namespace], children: [
            XMLNode("Rule", children: [XMLNode("ObjectOwnership", text: objectOwnership)]),
        ])
        try await send("PutBucketOwnershipControls", .PUT, bucket: name, query: [("ownershipControls", "")], xml: body)
    }
}
