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
            "rgw": AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                   description: "The endpoint is a Ceph RGW: endpoint and keys default to RGW_ENDPOINT, RGW_ACCESS_KEY_ID and "
                                       + "RGW_SECRET_ACCESS_KEY (as for the ceph provider), the region to us-east-1, and plans refuse settings radosgw mishandles."),
        ], description: "Amazon Web Services")
    }

    /// Every resource type the provider manages (see `AWSResourceKind.all`).
    public var resourceSchemas: [String: ResourceSchema] {
        AWSResourceKind.byTypeName.mapValues(\.schema)
    }

    /// `aws_caller_identity`, and lookups of existing users, buckets and queues.
    public var dataSourceSchemas: [String: ResourceSchema] {
        LookupDataSource.all.reduce(into: [CallerIdentityDataSource.typeName: CallerIdentityDataSource.schema]) { $0[$1.typeName] = $1.schema }
    }

    /// The types whose create refuses an existing name, then announces the create (`ProgressReporter.willCreate()`).
    public func announcesCreates(type: String) -> Bool {
        [S3BucketResource.typeName, SQSQueueResource.typeName, IAMUserResource.typeName, IAMRoleResource.typeName].contains(type)
    }

    /// Each type's notes: waits AWS imposes, notification entries an update removes.
    public func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String] {
        AWSResourceKind.byTypeName[type]?.notes(action, before, after) ?? []
    }

    /// The order AWS needs, as each type states it (see `OrderingNames`).
    public func ordering(type: String, value: Value) -> OrderingKeys {
        AWSResourceKind.byTypeName[type]?.ordering(value) ?? OrderingKeys()
    }

    /// Each type's documented limits and cross-field rules.
    public func validate(type: String, configuration: Value) -> [ProviderError] {
        AWSResourceKind.byTypeName[type]?.validate(configuration) ?? []
    }

    /// Resolves region, credentials, endpoint and trusted CAs (block, then environment, then shared files) and opens a
    /// transport. With `rgw: true` the block's unset endpoint and keys come from the RGW_* variables the ceph provider
    /// reads.
    public func configure(_ configuration: Value, environment: [String: String]) async throws -> any ConfiguredProvider {
        let isRGW = configuration["rgw"] == .bool(true)
        let configuration = isRGW ? try Self.rgwDefaults(configuration, environment: environment) : configuration
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
                                             trust: try TLSTrust.resolve(caBundle: configuration["ca_bundle"].stringValue, environment: environment)),
            isRGW: isRGW, caBundle: configuration["ca_bundle"].stringValue)
    }

    /// The block with its unset endpoint, keys and region taken as the ceph provider takes them.
    private static func rgwDefaults(_ configuration: Value, environment: [String: String]) throws -> Value {
        guard case .map(var entries) = configuration else { return configuration }
        for (attribute, variable) in [("endpoint", "RGW_ENDPOINT"), ("access_key", "RGW_ACCESS_KEY_ID"), ("secret_key", "RGW_SECRET_ACCESS_KEY")]
        where entries[attribute]?.stringValue == nil {
            guard let value = environment[variable], !value.isEmpty else {
                throw ProviderError("An aws provider with rgw: true needs \(attribute): set it in the block or \(variable).", attributePath: attribute)
            }
            entries[attribute] = .string(value)
        }
        if entries["region"]?.stringValue == nil { entries["region"] = .string("us-east-1") }
        return .map(entries)
    }
}
