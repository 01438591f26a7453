import TandemCore
import TandemEngine

/// A data source that looks an existing object up by name and describes it the way the resource of the same type
/// reads it: `data.aws_iam_user`, `data.aws_s3_bucket`, `data.aws_sqs_queue`.
struct LookupDataSource: Sendable {
    /// The data source type name (the same as the resource type).
    let typeName: String
    /// The argument naming the object (`name`, `bucket`).
    let argument: String
    /// The attributes of the resource exposed as computed attributes.
    let exposed: [String]
    /// The resource schema the attributes come from.
    let resourceSchema: ResourceSchema

    static let all: [LookupDataSource] = [
        LookupDataSource(typeName: IAMUserResource.typeName, argument: "name", exposed: ["arn", "unique_id", "path", "tags"],
                         resourceSchema: IAMUserResource.schema),
        LookupDataSource(typeName: S3BucketResource.typeName, argument: "bucket", exposed: ["arn", "region", "versioning", "tags"],
                         resourceSchema: S3BucketResource.schema),
        LookupDataSource(typeName: SQSQueueResource.typeName, argument: "name", exposed: ["arn", "url", "fifo_queue", "tags"],
                         resourceSchema: SQSQueueResource.schema),
    ]

    /// The argument required, the exposed attributes computed.
    var schema: ResourceSchema {
        var attributes: [String: AttributeSchema] = [argument: AttributeSchema(.string, .required, description: "The name to look up.")]
        for name in exposed {
            guard let source = resourceSchema.attributes[name] else { continue }
            attributes[name] = AttributeSchema(source.type, .computed, description: source.description)
        }
        return ResourceSchema(attributes: attributes, description: "Looks up an existing \(typeName) by \(argument)")
    }

    /// Reads the object named by `arguments` with `resource`; a missing object is an error.
    func read(_ arguments: Value, with resource: any AWSResource) async throws -> Value {
        let name = arguments[argument].stringValue ?? ""
        guard let value = try await resource.read(current: .map([argument: .string(name)])) else {
            throw ProviderError("No \(typeName) named \"\(name)\" exists (or the credentials cannot see it)", attributePath: argument)
        }
        var result: [String: Value] = [argument: .string(name)]
        for attribute in exposed { result[attribute] = value[attribute] }
        return .map(result)
    }
}
