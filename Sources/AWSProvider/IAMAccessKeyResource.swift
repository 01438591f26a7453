import AWSClient
import TandemCore
import TandemEngine

/// `aws_iam_access_key`: an access key of a user. The secret is returned once, at creation: it is kept (masked) in
/// the state so other resources, such as a replicator's credentials, can refer to it.
struct IAMAccessKeyResource: AWSResource {
    static let typeName = "aws_iam_access_key"

    static let schema = ResourceSchema(attributes: [
        "user": AttributeSchema(.string, .required, forcesReplacement: true, description: "The user the key belongs to."),
        "status": AttributeSchema(.string, .optional, defaultValue: .string("Active"), allowedValues: ["Active", "Inactive"]),
        "id": AttributeSchema(.string, .computed, description: "The access key id (AKIA…)."),
        "secret": AttributeSchema(.string, .computed, sensitive: true, description: "The secret access key; masked in every output."),
    ], description: "An IAM access key")

    /// The user's name follows IAM's rules.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.iamName("user", "A user name")
        return rules.problems
    }

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let user = current["user"].stringValue, let id = current["id"].stringValue else { return nil }
        let keys: [IAMAccessKey]
        do {
            keys = try await provider.iam.listAccessKeys(userName: user)
        } catch let error as AWSServiceError where error.isNoSuchEntity {
            return nil
        }
        guard let key = keys.first(where: { $0.accessKeyID == id }) else { return nil }
        return .map(["user": .string(user), "status": .string(key.status), "id": .string(id), "secret": current["secret"]])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let user = planned["user"].stringValue ?? ""
        let key = try await provider.iam.createAccessKey(userName: user)
        let status = planned["status"].stringValue ?? "Active"
        if status != key.status {
            try await provider.iam.updateAccessKey(userName: user, accessKeyID: key.accessKeyID, status: status)
        }
        return .map(["user": .string(user), "status": .string(status), "id": .string(key.accessKeyID),
                     "secret": key.secretAccessKey.map(Value.string) ?? .null])
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let status = planned["status"].stringValue ?? "Active"
        try await provider.iam.updateAccessKey(userName: prior["user"].stringValue ?? "", accessKeyID: prior["id"].stringValue ?? "", status: status)
        guard case .map(var entries) = prior else { return prior }
        entries["status"] = .string(status)
        return .map(entries)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        do {
            try await provider.iam.deleteAccessKey(userName: prior["user"].stringValue ?? "", accessKeyID: prior["id"].stringValue ?? "")
        } catch let error as AWSServiceError where error.isNoSuchEntity {
            return
        }
    }
}

extension IAMAccessKeyResource {
    /// Waits for its user; cannot be imported, since AWS never shows a secret again.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importRefusal: "AWS never shows a secret again; create a new key instead",
        ordering: { OrderingKeys(requires: OrderingNames.all([$0["user"].stringValue], "iam:user:")) },
        validate: validate,
        operations: { IAMAccessKeyResource(provider: $0) })
}
