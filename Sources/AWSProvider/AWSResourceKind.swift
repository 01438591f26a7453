import TandemCore
import TandemEngine

/// Everything the aws provider knows about one resource type, defined in that type's own file and listed once in
/// `all`: its name and schema, how a `tandem import` id finds it, the order AWS needs around it, its plan-time checks
/// and notes, and its operations.
struct AWSResourceKind: Sendable {
    /// The type name, such as `aws_s3_bucket`.
    let typeName: String
    /// The attributes.
    let schema: ResourceSchema
    /// The attributes `read` needs to find the object an import id names; nil when the type cannot be imported.
    var importing: (@Sendable (String) -> Value)? = nil
    /// Why the type cannot be imported, when there is more to say than that.
    var importRefusal: String? = nil
    /// The order AWS needs between this resource and others (see `OrderingNames`), from planned or prior attributes.
    var ordering: @Sendable (Value) -> OrderingKeys = { _ in OrderingKeys() }
    /// Documented limits and cross-field rules, checked while planning.
    var validate: @Sendable (Value) -> [ProviderError] = { _ in [] }
    /// Facts a reviewer should know about a planned change (action, before, after).
    var notes: @Sendable (ChangeAction, Value?, Value) -> [String] = { _, _, _ in [] }
    /// The type's operations with a configured provider.
    let operations: @Sendable (ConfiguredAWSProvider) -> any AWSResource

    /// Every resource type of the provider.
    static let all: [AWSResourceKind] = [
        S3BucketResource.kind, S3BucketNotificationResource.kind, S3BucketReplicationResource.kind,
        SQSQueueResource.kind, SQSQueuePolicyResource.kind,
        IAMUserResource.kind, IAMRoleResource.kind, IAMInlinePolicyResource.kind(for: .user), IAMInlinePolicyResource.kind(for: .role),
        IAMAccessKeyResource.kind,
    ]

    /// `all` by type name.
    static let byTypeName: [String: AWSResourceKind] = Dictionary(uniqueKeysWithValues: all.map { ($0.typeName, $0) })

    /// An import id read as the named object's `argument`.
    static func importing(by argument: String) -> @Sendable (String) -> Value {
        { id in .map([argument: .string(id)]) }
    }
}

/// One AWS resource type's operations.
protocol AWSResource: Sendable {
    func read(current: Value) async throws -> Value?
    func create(planned: Value, progress: ProgressReporter) async throws -> Value
    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value
    func delete(prior: Value, progress: ProgressReporter) async throws
    /// The object replications the resource sets up (`tandem drift --data`).
    func dataReplications(_ value: Value) -> [DataReplication]
}

extension AWSResource {
    /// Most types replicate nothing.
    func dataReplications(_ value: Value) -> [DataReplication] { [] }
}
