import AWSClient
import CephClient
import TandemCore
import TandemEngine

/// The `ceph` provider with its radosgw-admin runner and (when configured) an RGW endpoint.
struct ConfiguredCephProvider: ConfiguredProvider {
    let admin: RadosGWAdmin
    let gateway: AWSClientConfiguration?
    /// Use the RGW admin ops REST API (rather than radosgw-admin) for users.
    let usersThroughAdminAPI: Bool
    /// The block's `ca_bundle` path, for clients made elsewhere (`tandem check ceph:bucket`).
    let caBundle: String?
    let transport = AWSTransport()
    let changes = SerialChanges()

    /// The period: committed when (and only when) the staged multisite configuration differs from it.
    var period: PeriodCommitter { PeriodCommitter(admin: admin) }

    /// An S3 client for the RGW endpoint; throws when the provider block has none.
    func s3() throws -> S3Client { S3Client(configuration: try gatewayConfiguration(), transport: transport) }

    /// An S3 client when `bucket` exists; nil when it does not.
    func s3(ifBucketExists bucket: String) async throws -> S3Client? {
        let s3 = try s3()
        return try await s3.bucketExists(bucket) ? s3 : nil
    }

    /// How users are managed: radosgw-admin, or the admin ops API of the endpoint.
    var users: any UserAdministration {
        get throws {
            usersThroughAdminAPI ? AdminAPIUsers(api: RGWAdminOps(configuration: try gatewayConfiguration(), transport: transport))
                                 : RadosGWAdminUsers(admin: admin)
        }
    }

    /// An SNS client (bucket-notification topics) for the RGW endpoint.
    func sns() throws -> SNSClient { SNSClient(configuration: try gatewayConfiguration(), transport: transport) }

    private func gatewayConfiguration() throws -> AWSClientConfiguration {
        guard let gateway else {
            throw ProviderError("This resource needs the RGW S3 endpoint: set endpoint, access_key and secret_key in the ceph provider block "
                                + "(or RGW_ENDPOINT, RGW_ACCESS_KEY_ID and RGW_SECRET_ACCESS_KEY).")
        }
        return gateway
    }

    /// The gateway's S3 endpoint with the provider's keys; nil without a gateway.
    func objectLocation(bucket: String, prefix: String) -> ObjectLocation? {
        gateway.map { ObjectLocation(endpoint: $0.endpointOverride, region: $0.region, bucket: bucket, prefix: prefix, accessKey: $0.credentials.accessKeyID,
                                     secretKey: $0.credentials.secretAccessKey, sessionToken: $0.credentials.sessionToken, caBundle: caBundle) }
    }

    private func resource(_ type: String) throws -> any CephResource {
        guard let kind = CephResources.all.first(where: { $0.typeName == type }) else {
            throw ProviderError("The ceph provider has no resource type \(type)")
        }
        return kind.init(provider: self)
    }

    func dataReplications(type: String, value: Value) async throws -> [DataReplication] {
        try await CephErrors.translating { try await resource(type).dataReplications(value) }
    }

    func read(type: String, current: Value) async throws -> Value? {
        try await CephErrors.translating { try await resource(type).read(current: current) }
    }

    func create(type: String, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await changes.run { try await CephErrors.translating { try await resource(type).create(planned: planned, progress: progress) } }
    }

    func update(type: String, prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await changes.run { try await CephErrors.translating { try await resource(type).update(prior: prior, planned: planned, progress: progress) } }
    }

    func delete(type: String, prior: Value, progress: ProgressReporter) async throws {
        try await changes.run { try await CephErrors.translating { try await resource(type).delete(prior: prior, progress: progress) } }
    }

    func importObject(type: String, id: String) async throws -> Value? {
        let path = Swift.type(of: try resource(type)).importPath
        guard !path.isEmpty else { throw ProviderError("\(type) cannot be imported") }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == path.count, !parts.contains(where: \.isEmpty) else {
            throw ProviderError("The id of a \(type) to import is \(path.map { $0.uppercased() }.joined(separator: "/")), not \(id)")
        }
        return try await read(type: type, current: .map(Dictionary(uniqueKeysWithValues: zip(path, parts.map(Value.string)))))
    }

    func readDataSource(type: String, arguments: Value) async throws -> Value {
        guard type == SyncStatusDataSource.typeName else { throw ProviderError("The ceph provider has no data source \(type)") }
        return try await CephErrors.translating { try await SyncStatusDataSource.read(arguments, admin: admin) }
    }

    func defaults(type: String) -> [String: Value] { [:] }

    func shutdown() async {
        try? await transport.shutdown()
    }
}

/// One Ceph resource type: its schema and operations.
protocol CephResource: Sendable {
    /// The type name, such as `ceph_zone`.
    static var typeName: String { get }
    /// The attributes.
    static var schema: ResourceSchema { get }
    /// The attributes `tandem import`'s id names, separated by `/` (`realm/zonegroup/name` for a zone); empty when
    /// the type cannot be imported.
    static var importPath: [String] { get }
    /// Rules checked while planning (documented names, cross-field rules); parts may be unknown, skip those.
    static func validate(_ configuration: Value) -> [ProviderError]
    init(provider: ConfiguredCephProvider)
    func read(current: Value) async throws -> Value?
    func create(planned: Value, progress: ProgressReporter) async throws -> Value
    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value
    func delete(prior: Value, progress: ProgressReporter) async throws
    /// The object replications the resource sets up (`tandem drift --data`).
    func dataReplications(_ value: Value) async throws -> [DataReplication]
}

extension CephResource {
    /// No rules beyond the schema unless the type declares some.
    static func validate(_ configuration: Value) -> [ProviderError] { [] }

    /// Most types replicate nothing.
    func dataReplications(_ value: Value) async throws -> [DataReplication] { [] }

    /// Runs what follows creating an object (system user, period commit, read-back). The engine records nothing for
    /// a failed create, so when a step fails the error says the object exists and how to adopt it once fixed.
    func completing(_ what: String, importID: String, _ steps: () async throws -> Value) async throws -> Value {
        do {
            return try await steps()
        } catch {
            throw ProviderError("\(what) was created, but what follows failed: \(error). Fix the cause, then adopt it with "
                                + "tandem import \(Self.typeName).NAME \(importID) and apply again.")
        }
    }

    /// Reads what was just written; an error when it cannot be found.
    func readBack(_ current: Value, what: String) async throws -> Value {
        guard let value = try await read(current: current) else { throw ProviderError("\(what) was written but cannot be read back") }
        return value
    }
}

/// Every resource type of the provider.
enum CephResources {
    static let all: [any CephResource.Type] = [
        RealmResource.self, ZoneGroupResource.self, ZoneResource.self, UserResource.self, BucketResource.self,
        SyncGroupResource.self, SyncFlowResource.self, SyncPipeResource.self, BucketTopicResource.self, BucketNotificationResource.self,
    ]
}

/// Maps client errors to provider errors that keep the tool's or service's message.
enum CephErrors {
    static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError("\(error)")
        }
    }
}
