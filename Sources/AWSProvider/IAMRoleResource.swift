import AWSClient
import TandemCore
import TandemEngine

/// `aws_iam_role`: a role with its trust policy; exposes its ARN and unique id (`AROA…`).
struct IAMRoleResource: AWSResource {
    static let typeName = "aws_iam_role"

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "Role name."),
        "path": AttributeSchema(.string, .optional, forcesReplacement: true, defaultValue: .string("/")),
        "assume_role_policy": AttributeSchema(.policyDocument, .required, description: "Trust policy: who may assume the role."),
        "description": AttributeSchema(.string, .optional),
        "max_session_duration": AttributeSchema(.number, .optionalComputed, description: "Seconds, 3600 to 43200; IAM's default is 3600."),
        "tags": AttributeSchema(.map(.string), .optional, defaultValue: .map([:])),
        "arn": AttributeSchema(.string, .computed),
        "unique_id": AttributeSchema(.string, .computed, description: "The role id (AROA…): assumed-role principals carry it (AROA…:session)."),
    ], description: "An IAM role")

    /// IAM's documented limits: the role name, the path, the description (1000 characters), the maximum session
    /// duration (3600-43200 seconds), tags.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.iamName("name", "A role name")
        rules.iamPath("path")
        rules.text("description", "A role description", length: 0...1_000)
        rules.wholeNumber("max_session_duration", "max_session_duration", in: 3_600...43_200, unit: "seconds")
        rules.tags("tags")
        return rules.problems
    }

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let name = current["name"].stringValue, let role = try await provider.iam.getRole(name: name) else { return nil }
        return .map([
            "name": .string(role.name), "path": .string(role.path),
            "assume_role_policy": PolicyText.read(role.assumeRolePolicyDocument),
            "description": role.description.flatMap { $0.isEmpty ? nil : Value.string($0) } ?? .null,
            "max_session_duration": .number(Double(role.maxSessionDuration)),
            "tags": .map(role.tags.mapValues(Value.string)),
            "arn": .string(role.arn), "unique_id": .string(role.roleID),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        if try await provider.iam.getRole(name: name) != nil {
            throw ProviderError("IAM role \(name) already exists and is not managed by this state; import it with tandem import, or choose another name.",
                                attributePath: "name")
        }
        let trust = try PolicyText.text(planned["assume_role_policy"])
        let iam = provider.iam
        try await progress.willCreate()
        _ = try await provider.consistency.run([EventualConsistency.principalNotYetVisible], operation: "CreateRole", progress: progress) {
            try await iam.createRole(name: name, path: planned["path"].stringValue ?? "/", assumeRolePolicyDocument: trust,
                                     description: planned["description"].stringValue, maxSessionDuration: planned["max_session_duration"].intValue,
                                     tags: Tags.strings(planned["tags"]))
        }
        return try await readBack(name)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = prior["name"].stringValue ?? ""
        let iam = provider.iam
        if prior["assume_role_policy"] != planned["assume_role_policy"] {
            let trust = try PolicyText.text(planned["assume_role_policy"])
            try await provider.consistency.run([EventualConsistency.principalNotYetVisible], operation: "UpdateAssumeRolePolicy", progress: progress) {
                try await iam.updateAssumeRolePolicy(roleName: name, document: trust)
            }
        }
        if prior["description"] != planned["description"] || prior["max_session_duration"] != planned["max_session_duration"] {
            try await iam.updateRole(name: name, description: planned["description"].stringValue ?? "",
                                     maxSessionDuration: planned["max_session_duration"].intValue)
        }
        let change = Tags.change(from: prior["tags"], to: planned["tags"])
        if !change.removed.isEmpty { try await iam.untagRole(name: name, keys: change.removed) }
        if !change.set.isEmpty { try await iam.tagRole(name: name, tags: change.set) }
        return try await readBack(name)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        do {
            try await provider.iam.deleteRole(name: prior["name"].stringValue ?? "")
        } catch let error as AWSServiceError where error.isNoSuchEntity {
            return
        } catch let error as AWSServiceError where error.code == "DeleteConflict" {
            throw ProviderError("IAM refuses to delete the role while it has inline or attached policies this state does not manage (\(error.message)). "
                                + "Remove them, or declare them here so they are deleted first.")
        }
    }

    private func readBack(_ name: String) async throws -> Value {
        guard let value = try await read(current: .map(["name": .string(name)])) else {
            throw ProviderError("IAM role \(name) was written but cannot be read back")
        }
        return value
    }
}

extension IAMRoleResource {
    /// Imported by name; provides the role (with its policies) to replication, and the role itself to its policies
    /// and to bucket policies naming it.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importing: AWSResourceKind.importing(by: "name"),
        ordering: { value in
            OrderingKeys(provides: OrderingNames.all([value["name"].stringValue], "iam:role:") + OrderingNames.all([value["name"].stringValue], "iam:role-object:"))
        },
        validate: validate,
        operations: { IAMRoleResource(provider: $0) })
}
