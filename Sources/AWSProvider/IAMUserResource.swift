import AWSClient
import TandemCore
import TandemEngine

/// `aws_iam_user`: an IAM user; exposes its ARN and unique id (`AIDA…`, the principal id S3 events carry).
struct IAMUserResource: AWSResource {
    static let typeName = "aws_iam_user"

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "User name."),
        "path": AttributeSchema(.string, .optional, forcesReplacement: true, defaultValue: .string("/"), description: "Path, such as /replication/."),
        "tags": AttributeSchema(.map(.string), .optional, defaultValue: .map([:])),
        "arn": AttributeSchema(.string, .computed),
        "unique_id": AttributeSchema(.string, .computed, description: "The user id (AIDA…): S3 events name the user by it (AWS:AIDA…)."),
    ], description: "An IAM user")

    /// IAM's documented limits: the user name, the path, tags.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.iamName("name", "A user name")
        rules.iamPath("path")
        rules.tags("tags")
        return rules.problems
    }

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let name = current["name"].stringValue, let user = try await provider.iam.getUser(name: name) else { return nil }
        return .map([
            "name": .string(user.name), "path": .string(user.path), "tags": .map(user.tags.mapValues(Value.string)),
            "arn": .string(user.arn), "unique_id": .string(user.userID),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        if try await provider.iam.getUser(name: name) != nil {
            throw ProviderError("IAM user \(name) already exists and is not managed by this state; import it with tandem import, or choose another name.",
                                attributePath: "name")
        }
        try await progress.willCreate()
        _ = try await provider.iam.createUser(name: name, path: planned["path"].stringValue ?? "/", tags: Tags.strings(planned["tags"]))
        return try await readBack(name)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = prior["name"].stringValue ?? ""
        let change = Tags.change(from: prior["tags"], to: planned["tags"])
        if !change.removed.isEmpty { try await provider.iam.untagUser(name: name, keys: change.removed) }
        if !change.set.isEmpty { try await provider.iam.tagUser(name: name, tags: change.set) }
        return try await readBack(name)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        do {
            try await provider.iam.deleteUser(name: prior["name"].stringValue ?? "")
        } catch let error as AWSServiceError where error.isNoSuchEntity {
            return
        } catch let error as AWSServiceError where error.code == "DeleteConflict" {
            throw ProviderError("IAM refuses to delete the user while it has access keys, inline or attached policies, or other credentials "
                                + "that this state does not manage (\(error.message)). Remove them, or declare them here so they are deleted first.")
        }
    }

    private func readBack(_ name: String) async throws -> Value {
        guard let value = try await read(current: .map(["name": .string(name)])) else {
            throw ProviderError("IAM user \(name) was written but cannot be read back")
        }
        return value
    }
}

extension IAMUserResource {
    /// Imported by name; provides the user to its policies, keys and the bucket policies naming it.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importing: AWSResourceKind.importing(by: "name"),
        ordering: { OrderingKeys(provides: OrderingNames.all([$0["name"].stringValue], "iam:user:")) },
        validate: validate,
        operations: { IAMUserResource(provider: $0) })
}
