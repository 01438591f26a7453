extension IAMClient {
    /// Creates a role with its trust policy.
    public func createRole(name: String, path: String, assumeRolePolicyDocument: String, description: String?, maxSessionDuration: Int?,
                           tags: [String: String]) async throws -> IAMRole {
        var parameters: [(name: String, value: String)] = [("RoleName", name), ("Path", path), ("AssumeRolePolicyDocument", assumeRolePolicyDocument)]
        if let description { parameters.append(("Description", description)) }
        if let maxSessionDuration { parameters.append(("MaxSessionDuration", String(maxSessionDuration))) }
        let result = try await call("CreateRole", parameters + Self.tagParameters(tags))
        return try Self.role(result.child("Role"), action: "CreateRole", tags: tags)
    }

    /// The role with its tags; nil when there is none.
    public func getRole(name: String) async throws -> IAMRole? {
        guard let result = try await callIfExists("GetRole", [("RoleName", name)]) else { return nil }
        let tags = try await listMembers("ListRoleTags", [("RoleName", name)], listName: "Tags")
        return try Self.role(result.child("Role"), action: "GetRole", tags: Self.tags(in: XMLNode("Tags", children: tags)))
    }

    /// Replaces the trust policy.
    public func updateAssumeRolePolicy(roleName: String, document: String) async throws {
        _ = try await call("UpdateAssumeRolePolicy", [("RoleName", roleName), ("PolicyDocument", document)])
    }

    /// Sets the description and the longest session.
    public func updateRole(name: String, description: String?, maxSessionDuration: Int?) async throws {
        var parameters: [(name: String, value: String)] = [("RoleName", name)]
        if let description { parameters.append(("Description", description)) }
        if let maxSessionDuration { parameters.append(("MaxSessionDuration", String(maxSessionDuration))) }
        _ = try await call("UpdateRole", parameters)
    }

    /// Adds or overwrites tags.
    public func tagRole(name: String, tags: [String: String]) async throws {
        _ = try await call("TagRole", [("RoleName", name)] + Self.tagParameters(tags))
    }

    /// Removes tags.
    public func untagRole(name: String, keys: [String]) async throws {
        _ = try await call("UntagRole", [("RoleName", name)] + Self.tagKeyParameters(keys))
    }

    /// Deletes a role (IAM refuses with `DeleteConflict` while it has policies).
    public func deleteRole(name: String) async throws {
        _ = try await call("DeleteRole", [("RoleName", name)])
    }

    private static func role(_ node: XMLNode?, action: String, tags: [String: String]) throws -> IAMRole {
        guard let node, let name = node.childText("RoleName"), let id = node.childText("RoleId"), let arn = node.childText("Arn") else {
            throw AWSClientError(.invalidResponse, "IAM \(action): the response lacks RoleName, RoleId or Arn")
        }
        return IAMRole(name: name, roleID: id, arn: arn, path: node.childText("Path") ?? "/",
                       assumeRolePolicyDocument: policyDocument(node.childText("AssumeRolePolicyDocument")) ?? "",
                       description: node.childText("Description"), maxSessionDuration: Int(node.childText("MaxSessionDuration") ?? "") ?? 3600,
                       tags: tags)
    }
}
