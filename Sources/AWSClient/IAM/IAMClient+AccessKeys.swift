extension IAMClient {
    /// Creates an access key; the answer is the only time the secret is shown.
    public func createAccessKey(userName: String) async throws -> IAMAccessKey {
        let result = try await call("CreateAccessKey", [("UserName", userName)])
        guard let key = result.child("AccessKey"), let id = key.childText("AccessKeyId"), let secret = key.childText("SecretAccessKey") else {
            throw AWSClientError(.invalidResponse, "IAM CreateAccessKey: the response lacks AccessKeyId or SecretAccessKey")
        }
        return IAMAccessKey(accessKeyID: id, userName: userName, status: key.childText("Status") ?? "Active", secretAccessKey: secret)
    }

    /// The user's access keys, without secrets.
    public func listAccessKeys(userName: String) async throws -> [IAMAccessKey] {
        try await listMembers("ListAccessKeys", [("UserName", userName)], listName: "AccessKeyMetadata").compactMap { member in
            member.childText("AccessKeyId").map {
                IAMAccessKey(accessKeyID: $0, userName: userName, status: member.childText("Status") ?? "Active", secretAccessKey: nil)
            }
        }
    }

    /// Activates or deactivates a key.
    public func updateAccessKey(userName: String, accessKeyID: String, status: String) async throws {
        _ = try await call("UpdateAccessKey", [("UserName", userName), ("AccessKeyId", accessKeyID), ("Status", status)])
    }

    /// Deletes a key.
    public func deleteAccessKey(userName: String, accessKeyID: String) async throws {
        _ = try await call("DeleteAccessKey", [("UserName", userName), ("AccessKeyId", accessKeyID)])
    }
}
