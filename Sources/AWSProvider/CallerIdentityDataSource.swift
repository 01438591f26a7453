import AWSClient
import TandemCore
import TandemEngine

/// `data.aws_caller_identity`: the account, ARN and user id of the credentials the provider uses.
enum CallerIdentityDataSource {
    /// The data source type name.
    static let typeName = "aws_caller_identity"

    /// No arguments; everything is read.
    static let schema = ResourceSchema(attributes: [
        "account_id": AttributeSchema(.string, .computed, description: "The 12-digit account id."),
        "arn": AttributeSchema(.string, .computed, description: "The ARN of the user or assumed role."),
        "user_id": AttributeSchema(.string, .computed, description: "The unique id of the principal."),
    ], description: "Who the provider's credentials belong to")

    /// Asks STS who the credentials belong to.
    static func read(with client: STSClient) async throws -> Value {
        let identity = try await client.getCallerIdentity()
        return .map(["account_id": .string(identity.account), "arn": .string(identity.arn), "user_id": .string(identity.userID)])
    }
}
