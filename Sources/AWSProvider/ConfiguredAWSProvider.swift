import AWSClient
import TandemCore
import TandemEngine

/// The `aws` provider configured with a region, credentials and endpoint.
struct ConfiguredAWSProvider: ConfiguredProvider {
    let settings: AWSClientConfiguration
    let transport = AWSTransport()

    /// An S3 client signing for `region` (buckets live in their own region).
    func s3(region: String? = nil) -> S3Client {
        var configuration = settings
        configuration.region = region ?? settings.region
        return S3Client(configuration: configuration, transport: transport)
    }

    var sqs: SQSClient { SQSClient(configuration: settings, transport: transport) }

    private func resource(_ type: String) throws -> any AWSResource {
        switch type {
        case S3BucketResource.typeName: return S3BucketResource(provider: self)
        case SQSQueueResource.typeName: return SQSQueueResource(provider: self)
        default: throw ProviderError("The aws provider has no resource type \(type)")
        }
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
        guard type == CallerIdentityDataSource.typeName else { throw ProviderError("The aws provider has no data source \(type)") }
        return try await AWSErrors.translating {
            try await CallerIdentityDataSource.read(with: STSClient(configuration: settings, transport: transport))
        }
    }

    func defaults(type: String) -> [String: Value] {
        type == S3BucketResource.typeName ? ["region": .string(settings.region)] : [:]
    }

    func shutdown() async {
        try? await transport.shutdown()
    }
}

/// One AWS resource type's operations.
protocol AWSResource: Sendable {
    func read(current: Value) async throws -> Value?
    func create(planned: Value, progress: ProgressReporter) async throws -> Value
    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value
    func delete(prior: Value, progress: ProgressReporter) async throws
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
