import AWSClient
import TandemCore
import TandemEngine

/// The `aws` provider: S3 buckets and SQS queues on AWS or any S3/SQS-compatible endpoint.
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
        ], description: "Amazon Web Services")
    }

    /// `aws_s3_bucket` and `aws_sqs_queue`.
    public var resourceSchemas: [String: ResourceSchema] {
        [
            S3BucketResource.typeName: S3BucketResource.schema,
            SQSQueueResource.typeName: SQSQueueResource.schema,
        ]
    }

    /// `aws_caller_identity`.
    public var dataSourceSchemas: [String: ResourceSchema] {
        [CallerIdentityDataSource.typeName: CallerIdentityDataSource.schema]
    }

    /// Notes waits AWS imposes on a planned change.
    public func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String] {
        // SQS refuses a queue name for 60 s after the queue was deleted; a same-name replacement waits that out.
        if type == SQSQueueResource.typeName, action == .replace, let name = before?["name"].stringValue, after["name"] == .string(name) {
            return ["SQS blocks the name \(name) for 60 seconds after deleting it: apply will wait before re-creating the queue."]
        }
        return []
    }

    /// Resolves region, credentials and endpoint (block, then environment, then shared files) and opens a transport.
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
                                             endpointOverride: configuration["endpoint"].stringValue, environment: environment))
    }
}
