extension IAMClient {
    /// Creates a user.
    public func createUser(name: String, path: String, tags: [String: String]) async throws -> IAMUser {
        let result = try await call("CreateUser", [("UserName", name), ("Path", path)] + Self.tagParameters(tags))
        return try Self.user(result.child("User"), action: "CreateUser", tags: tags)
    }

    /// The user with its tags; nil when there is none.
    public func getUser(name: String) async throws -> IAMUser? {
        guard let result = try await callIfExists("GetUser", [("UserName", name)]) else { return nil }
        let tags = try await listMembers("ListUserTags", [("UserName", name)], listName: "Tags")
        return try Self.user(result.child("User"), action: "GetUser",
                             tags: Self.tags(in: XMLNode("Tags", children: tags)))
    }

    /// Adds or overwrites tags.
    public func tagUser(name: String, tags: [String: String]) async throws {
        _ = try await call("TagUser", [("UserName", name)] + Self.tagParameters(tags))
    }

    /// Removes tags.
    public func untagUser(name: String, keys: [String]) async throws {
        _ = try await call("UntagUser", [("UserName", name)] + Self.tagKeyParameters(keys))
    }

    /// Deletes a user (IAM refuses with `DeleteConflict` while it has keys or policies).
    public func deleteUser(name: String) async throws {
        _ = try await call("DeleteUser", [("UserName", name)])
    }

    private static func user(_ node: XMLNode?, action: String, tags: [String: String]) throws -> IAMUser {
        guard let node, let name = node.childText("UserName"), let id = node.childText("UserId"), let arn = node.childText("Arn") else {
            throw AWSClientError(.invalidResponse, "IAM \(action): the response lacks UserName, UserId or Arn")
        }
        return IAMUser(name: name, userID: id, arn: arn, path: node.childText("Path") ?? "/", tags: tags)
    }
}
