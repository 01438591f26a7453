import AWSClient
import TandemCore
import TandemEngine

/// `aws_iam_user_policy` and `aws_iam_role_policy`: an inline policy embedded in one user or role, written as a map
/// and compared in IAM normal form.
struct IAMInlinePolicyResource: AWSResource {
    /// Whose policy it is.
    enum Owner: String, Sendable {
        case user, role

        var typeName: String { "aws_iam_\(rawValue)_policy" }
    }

    static func schema(for owner: Owner) -> ResourceSchema {
        ResourceSchema(attributes: [
            owner.rawValue: AttributeSchema(.string, .required, forcesReplacement: true, description: "The \(owner.rawValue) name."),
            "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "Policy name, unique per \(owner.rawValue)."),
            "policy": AttributeSchema(.policyDocument, .required, description: "The policy document."),
        ], description: "An inline policy of an IAM \(owner.rawValue)")
    }

    /// IAM's documented limits: the owner's name, the policy name, and the policy's size (2048 characters for a
    /// user's inline policies, 10240 for a role's, white space not counted).
    static func validate(_ configuration: Value, owner: Owner) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.iamName(owner.rawValue, owner == .user ? "A user name" : "A role name")
        rules.iamPolicyName("name")
        rules.iamPolicySize("policy", "A \(owner.rawValue)'s inline policy", atMost: owner == .user ? 2_048 : 10_240)
        return rules.problems
    }

    let provider: ConfiguredAWSProvider
    let owner: Owner

    func read(current: Value) async throws -> Value? {
        guard let ownerName = current[owner.rawValue].stringValue, let name = current["name"].stringValue else { return nil }
        let document: String?
        do {
            switch owner {
            case .user: document = try await provider.iam.getUserPolicy(userName: ownerName, policyName: name)
            case .role: document = try await provider.iam.getRolePolicy(roleName: ownerName, policyName: name)
            }
        } catch let error as AWSServiceError where error.isNoSuchEntity {
            return nil
        }
        guard let document else { return nil }
        return .map([owner.rawValue: .string(ownerName), "name": .string(name), "policy": PolicyText.read(document)])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        try await put(planned, progress: progress)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await put(planned, progress: progress)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let ownerName = prior[owner.rawValue].stringValue ?? ""
        let name = prior["name"].stringValue ?? ""
        do {
            switch owner {
            case .user: try await provider.iam.deleteUserPolicy(userName: ownerName, policyName: name)
            case .role: try await provider.iam.deleteRolePolicy(roleName: ownerName, policyName: name)
            }
        } catch let error as AWSServiceError where error.isNoSuchEntity {
            return
        }
    }

    private func put(_ planned: Value, progress: ProgressReporter) async throws -> Value {
        let ownerName = planned[owner.rawValue].stringValue ?? ""
        let name = planned["name"].stringValue ?? ""
        let document = try PolicyText.text(planned["policy"])
        switch owner {
        case .user: try await provider.iam.putUserPolicy(userName: ownerName, policyName: name, document: document)
        case .role: try await provider.iam.putRolePolicy(roleName: ownerName, policyName: name, document: document)
        }
        guard let value = try await read(current: planned) else {
            throw ProviderError("The inline policy \(name) of \(owner.rawValue) \(ownerName) was written but cannot be read back")
        }
        return value
    }
}

extension IAMInlinePolicyResource {
    /// A user's policy waits for the user; a role's policy waits for the role and completes it for replication.
    static func kind(for owner: Owner) -> AWSResourceKind {
        AWSResourceKind(
            typeName: owner.typeName, schema: schema(for: owner),
            ordering: { value in
                let name = value[owner.rawValue].stringValue
                switch owner {
                case .user: return OrderingKeys(requires: OrderingNames.all([name], "iam:user:"))
                case .role: return OrderingKeys(provides: OrderingNames.all([name], "iam:role:"), requires: OrderingNames.all([name], "iam:role-object:"))
                }
            },
            validate: { validate($0, owner: owner) },
            operations: { IAMInlinePolicyResource(provider: $0, owner: owner) })
    }
}
