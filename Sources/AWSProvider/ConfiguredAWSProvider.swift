import AWSClient
import TandemCore
import TandemEngine

/// The `aws` provider configured with a region, credentials and endpoint.
struct ConfiguredAWSProvider: ConfiguredProvider {
    let settings: AWSClientConfiguration
    /// The endpoint is a Ceph RGW (provider block `rgw: true`).
    let isRGW: Bool
    /// The block's `ca_bundle` path, for clients made elsewhere (`tandem drift --data`); `AWS_CA_BUNDLE` they resolve themselves.
    let caBundle: String?
    let transport = AWSTransport()

    /// An S3 client signing for `region` (buckets live in their own region).
    func s3(region: String? = nil) -> S3Client {
        var configuration = settings
        configuration.region = region ?? settings.region
        return S3Client(configuration: configuration, transport: transport)
    }

    var sqs: SQSClient { SQSClient(configuration: settings, transport: transport) }

    var iam: IAMClient { IAMClient(configuration: settings, transport: transport) }

    /// Retries for eventual consistency, with AWS-sized pauses.
    let consistency = EventualConsistency()

    /// A client for the region bucket `name` lives in, and that region; nil when the bucket does not exist.
    /// `near` is the region to ask first (the one last recorded), the provider's when nil.
    func locate(_ name: String, near region: String? = nil) async throws -> (client: S3Client, region: String)? {
        let probe = s3(region: region)
        guard try await probe.bucketExists(name) else { return nil }
        let location = try await probe.getBucketLocation(name)
        return (s3(region: location), location)
    }

    private func resource(_ type: String) throws -> any AWSResource {
        guard let kind = AWSResourceKind.byTypeName[type] else { throw ProviderError("The aws provider has no resource type \(type)") }
        return kind.operations(self)
    }

    func importObject(type: String, id: String) async throws -> Value? {
        guard let kind = AWSResourceKind.byTypeName[type], let importing = kind.importing else {
            throw ProviderError("\(type) cannot be imported\(AWSResourceKind.byTypeName[type]?.importRefusal.map { " (\($0))" } ?? "")")
        }
        return try await read(type: type, current: importing(id))
    }

    func dataReplications(type: String, value: Value) async throws -> [DataReplication] {
        (try? resource(type))?.dataReplications(value) ?? []
    }

    /// Where the provider lists `bucket`, with its own credentials, endpoint and CA bundle.
    func objectLocation(bucket: String, prefix: String) -> ObjectLocation? { location(bucket: bucket, prefix: prefix) }

    /// Where the provider lists `bucket`, with its own credentials, endpoint and CA bundle.
    func location(bucket: String, prefix: String) -> ObjectLocation {
        ObjectLocation(endpoint: settings.endpointOverride, region: settings.region, bucket: bucket, prefix: prefix,
                       accessKey: settings.credentials.accessKeyID, secretKey: settings.credentials.secretAccessKey,
                       sessionToken: settings.credentials.sessionToken, caBundle: caBundle)
    }

    func read(type: String, current: Value) async throws -> Value? {
        try await AWSErrors.translating { try await resource(type).read(current: current) }
    }

    func create(type: String, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await AWSErrors.translating { try await resource(type).create(planned: planned, progress: progress) }
    }

    func update(type: String, prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await AWSErrors.translating { try await resource(type).update(prior: prior, planned: planned, progress: progress) }
    }

    func delete(type: String, prior: Value, progress: ProgressReporter) async throws {
        try await AWSErrors.translating { try await resource(type).delete(prior: prior, progress: progress) }
    }

    func readDataSource(type: String, arguments: Value) async throws -> Value {
        try await AWSErrors.translating {
            if type == CallerIdentityDataSource.typeName {
                return try await CallerIdentityDataSource.read(with: STSClient(configuration: settings, transport: transport))
            }
            guard let lookup = LookupDataSource.all.first(where: { $0.typeName == type }) else {
                throw ProviderError("The aws provider has no data source \(type)")
            }
            return try await lookup.read(arguments, with: try resource(type))
        }
    }

    /// On an RGW endpoint, settings radosgw mishandles (see `RGWLimits`).
    func validate(type: String, configuration: Value) -> [ProviderError] {
        isRGW ? RGWLimits.problems(type: type, configuration: configuration) : []
    }

    func defaults(type: String) -> [String: Value] {
        type == S3BucketResource.typeName ? ["region": .string(settings.region)] : [:]
    }

    func shutdown() async {
        try? await transport.shutdown()
    }
}

/// Maps client errors to provider errors that keep the service's code and message.
enum AWSErrors {
    static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSServiceError {
            throw ProviderError(error.description)
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError("\(error)")
        }
    }
}
