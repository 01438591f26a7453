extension S3Client {
    /// The versioning status: `Enabled`, `Suspended`, or `nil` when versioning was never configured.
    public func getBucketVersioning(_ name: String) async throws -> String? {
        let response = try await send("GetBucketVersioning", .GET, bucket: name, query: [("versioning", "")])
        let status = try xml(response, operation: "GetBucketVersioning").childText("Status")
        return status?.isEmpty == false ? status : nil
    }

    /// Sets the versioning status (`Enabled` or `Suspended`).
    public func putBucketVersioning(_ name: String, status: String) async throws {
        let body = XMLNode(
            "VersioningConfiguration", attributes: ["xmlns": XMLNode.s3Namespace],
            children: [XMLNode("Status", text: status)])
        try await send("PutBucketVersioning", .PUT, bucket: name, query: [("versioning", "")], xml: body)
    }
}
