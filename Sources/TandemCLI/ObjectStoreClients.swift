import AWSClient
import TandemEngine
import TandemReplicator
import TLSTrust

/// S3 clients for `ObjectLocation`s (a provider's bucket, one side of a replication), for commands that list and
/// compare objects (`drift --data`, `check`).
enum ObjectStoreClients {
    /// The HTTP client of such commands: one per process.
    static let transport = AWSTransport(requestTimeout: .seconds(60), connectTimeout: .seconds(5), connectionsPerHost: 64)

    /// A side to compare: the location's bucket and prefix with a client signing as its identity (or, without one, as
    /// the aws provider resolves credentials: the environment, then the profile).
    static func side(_ location: ObjectLocation, environment: [String: String]) throws -> ReplicaAudit.Side {
        let credentials = try self.credentials(location, environment: environment)
        let configuration = AWSClientConfiguration(region: location.region, credentials: credentials, endpointOverride: location.endpoint,
                                                   environment: environment, trust: try TLSTrust.resolve(caBundle: location.caBundle, environment: environment))
        return ReplicaAudit.Side(client: S3Client(configuration: configuration, transport: transport), bucket: location.bucket, prefix: location.prefix)
    }

    /// The location's identity, or the environment's (then the profile's) when it names none.
    static func credentials(_ location: ObjectLocation, environment: [String: String]) throws -> AWSCredentials {
        if let accessKey = location.accessKey, let secretKey = location.secretKey {
            return AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: location.sessionToken)
        }
        return try CredentialResolver.resolve(accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: nil, environment: environment)
    }
}
