extension S3Client {
    /// The bucket's tags; empty when it has none (`NoSuchTagSet`).
    public func getBucketTagging(_ name: String) async throws -> [String: String] {
        let response: AWSHTTPResponse
        do {
            response = try await send("GetBucketTagging", .GET, bucket: name, query: [("tagging", "")])
        } catch let error as AWSServiceError where error.code == "NoSuchTagSet" {
            return [:]
        }
        let root = try xml(response, operation: "GetBucketTagging")
        var tags: [String: String] = [:]
        for tag in root.child("TagSet")?.children(named: "Tag") ?? [] {
            guard let key = tag.childText("Key") else { continue }
            tags[key] = tag.childText("Value") ?? ""
        }
        return tags
    }

    /// Replaces the bucket's whole tag set.
    public func putBucketTagging(_ name: String, _ tags: [String: String]) async throws {
        let tagNodes = tags.keys.sorted().map { key in
            XMLNode("Tag", children: [XMLNode("Key", text: key), XMLNode("Value", text: tags[key]!)])
        }
        let body = XMLNode(
            "Tagging", attributes: ["xmlns": XMLNode.s3Namespace],
            children: [XMLNode("TagSet", children: tagNodes)])
        try await send("PutBucketTagging", .PUT, bucket: name, query: [("tagging", "")], xml: body)
    }

    /// Removes every tag.
    public func deleteBucketTagging(_ name: String) async throws {
        try await send("DeleteBucketTagging", .DELETE, bucket: name, query: [("tagging", "")])
    }
}
