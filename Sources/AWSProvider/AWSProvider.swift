import AWSClient
import TandemCore
import TandemEngine
import TLSTrust

/// The `aws` provider: S3 buckets with their policies, notifications and replication, SQS queues with their
/// policies, and IAM users, roles, inline policies and access keys, on AWS or any compatible endpoint.
public struct AWSProvider: Provider {
    /// Creates the provider.
    public init() {}

    /// `aws`: the configuration name and resource type prefix.
    public var name: String { "aws" }

    /// The provider block: region, endpoint and credentials.
    public var configurationSchema: ResourceSchema {
        ResourceSchema(attributes: [
            "region": AttributeSchema(.string, .optional, description: "Region; defaults to AWS_REGION, AWS_DEFAULT_REGION, then the profile's region."),
            "endpoint": AttributeSchema(.string, .optional, description: "Endpoint URL for S3/SQS-compatible servers (path-style addressing)."),
            "profile": AttributeSchema(.string, .optional, description: "Shared credentials/config profile; defaults to AWS_PROFILE."),
            "access_key": AttributeSchema(.string, .optional, description: "Access key id; prefer the environment or a profile."),
            "secret_key": AttributeSchema(.string, .optional, sensitive: true, description: "Secret access key; prefer the environment or a profile."),
            "token": AttributeSchema(.string, .optional, sensitive: true, description: "Session token."),
            "ca_bundle": AttributeSchema(.string, .optional,
                                         description: "PEM file of CAs trusted besides the system's (a private CA of the endpoint); defaults to AWS_CA_BUNDLE."),
        ], description: "Amazon Web Services")
    }

    /// Every resource type the provider manages.
    public var resourceSchemas: [String: ResourceSchema] {
        [
            S3BucketResource.typeName: S3BucketResource.schema,
            S3BucketNotificationResource.typeName: S3BucketNotificationResource.schema,
            S3BucketReplicationResource.typeName: S3BucketReplicationResource.schema,
            SQSQueueResource.typeName: SQSQueueResource.schema,
            SQSQueuePolicyResource.typeName: SQSQueuePolicyResource.schema,
            IAMUserResource.typeName: IAMUserResource.schema,
            IAMRoleResource.typeName: IAMRoleResource.schema,
            IAMInlinePolicyResource.Owner.user.typeName: IAMInlinePolicyResource.schema(for: .user),
            IAMInlinePolicyResource.Owner.role.typeName: IAMInlinePolicyResource.schema(for: .role),
            IAMAccessKeyResource.typeName: IAMAccessKeyResource.schema,
        ]
    }

    /// `aws_caller_identity`, and lookups of existing users, buckets and queues.
    public var dataSourceSchemas: [String: ResourceSchema] {
        LookupDataSource.all.reduce(into: [CallerIdentityDataSource.typeName: CallerIdentityDataSource.schema]) { $0[$1.typeName] = $1.schema }
    }

    /// Notes waits AWS imposes on a planned change, and notification entries an update removes.
    public func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String] {
        switch type {
        // SQS refuses a queue name for 60 s after the queue was deleted; a same-name replacement waits that out.
        case SQSQueueResource.typeName where action == .replace:
            guard let name = before?["name"].stringValue, after["name"] == .string(name) else { return [] }
            return ["SQS blocks the name \(name) for 60 seconds after deleting it: apply will wait before re-creating the queue."]
        case S3BucketNotificationResource.typeName where action == .update:
            let removed = S3BucketNotificationResource.undeclared(before: before, after: after)
            guard !removed.isEmpty else { return [] }
            return ["The live notification document has \(removed.count) entr\(removed.count == 1 ? "y" : "ies") this configuration does not declare "
                    + "(\(removed.joined(separator: "; "))). S3 keeps one document per bucket, so applying removes them; "
                    + "if another tool wrote them, declare them here instead."]
        default:
            return []
        }
    }

    /// Order AWS needs regardless of references (see `AWSOrdering`).
    public func ordering(type: String, value: Value) -> OrderingKeys {
        AWSOrdering.keys(type: type, value: value)
    }

    /// Cross-field rules of replication configurations.
    public func validate(type: String, configuration: Value) -> [ProviderError] {
        type == S3BucketReplicationResource.typeName ? S3BucketReplicationResource.validate(configuration) : []
    }

    /// Resolves region, credentials, endpoint and trusted CAs (block, then environment, then shared files) and opens a
    /// transport.
    public func configure(_ configuration: Value, environment: [String: String]) async throws -> any ConfiguredProvider {
        guard let region = RegionResolver.region(explicit: configuration["region"].stringValue,
                                                 profile: configuration["profile"].stringValue, environment: environment) else {
            throw ProviderError("No AWS region: set region in the aws provider block, AWS_REGION, or region in the profile's config section.",
                                attributePath: "region")
        }
        let credentials: AWSCredentials
        do {
            credentials = try CredentialResolver.resolve(
                accessKeyID: configuration["access_key"].stringValue,
                secretAccessKey: configuration["secret_key"].stringValue,
                sessionToken: configuration["token"].stringValue,
                profile: configuration["profile"].stringValue,
                environment: environment)
        } catch {
            throw ProviderError("\(error)")
        }
        return ConfiguredAWSProvider(
            settings: AWSClientConfiguration(region: region, credentials: credentials,
                                             endpointOverride: configuration["endpoint"].stringValue, environment: environment,
                                             trust: try TLSTrust.resolve(caBundle: configuration["ca_bundle"].stringValue, environment: environment)))
    }
}
