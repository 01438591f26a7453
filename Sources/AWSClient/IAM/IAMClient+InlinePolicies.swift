extension IAMClient {
    /// Creates or replaces an inline policy of a user.
    public func putUserPolicy(userName: String, policyName: String, document: String) async throws {
        _ = try await call("PutUserPolicy", [("UserName", userName), ("PolicyName", policyName), ("PolicyDocument", document)])
    }

    /// The document (decoded JSON text) of a user's inline policy; nil when there is none.
    public func getUserPolicy(userName: String, policyName: String) async throws -> String? {
        let result = try await callIfExists("GetUserPolicy", [("UserName", userName), ("PolicyName", policyName)])
        return Self.policyDocument(result?.childText("PolicyDocument"))
    }

    /// Deletes an inline policy of a user.
    public func deleteUserPolicy(userName: String, policyName: String) async throws {
        _ = try await call("DeleteUserPolicy", [("UserName", userName), ("PolicyName", policyName)])
    }


    /// Creates or replaces an inline policy of a role.
    public func putRolePolicy(roleName: String, policyName: String, document: String) async throws {
        _ = try await call("PutRolePolicy", [("RoleName", roleName), ("PolicyName", policyName), ("PolicyDocument", document)])
    }

    /// The document (decoded JSON text) of a role's inline policy; nil when there is none.
    public func getRolePolicy(roleName: String, policyName: String) async throws -> String? {
        let result = try await callIfExists("GetRolePolicy", [("RoleName", roleName), ("PolicyName", policyName)])
        return Self.policyDocument(result?.childText("PolicyDocument"))
    }

    /// Deletes an inline policy of a role.
    public func deleteRolePolicy(roleName: String, policyName: String) async throws {
        _ = try await call("DeleteRolePolicy", [("RoleName", roleName), ("PolicyName", policyName)])
    }
}
