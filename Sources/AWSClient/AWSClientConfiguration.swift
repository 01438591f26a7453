import Foundation
import TLSTrust

/// What every service client needs: where, as whom, and the environment to read endpoint overrides from.
public struct AWSClientConfiguration: Sendable {
    /// The region requests are signed for and sent to, for example `af-south-1`.
    public var region: String
    /// The keys to sign with.
    public var credentials: AWSCredentials
    /// A base URL that replaces the AWS endpoint for every service (for example moto's `http://127.0.0.1:PORT`).
    public var endpointOverride: String?
    /// The environment that `AWS_ENDPOINT_URL*` are read from (usually `ProcessInfo.processInfo.environment`).
    public var environment: [String: String]
    /// The certificate authorities HTTPS endpoints are verified against (see `TLSTrust.resolve`).
    public var trust: TLSTrust

    /// Creates a configuration.
    public init(region: String, credentials: AWSCredentials, endpointOverride: String? = nil, environment: [String: String] = [:],
                trust: TLSTrust = .system) {
        self.region = region
        self.credentials = credentials
        self.endpointOverride = endpointOverride
        self.environment = environment
        self.trust = trust
    }

    /// The base URL for `service` under this configuration.
    func endpoint(service: String) -> URL {
        EndpointResolver.endpoint(service: service, region: region, override: endpointOverride, environment: environment)
    }

    /// Whether `service` talks to an overridden endpoint rather than AWS.
    func usesCustomEndpoint(service: String) -> Bool {
        EndpointResolver.isCustomEndpoint(service: service, override: endpointOverride, environment: environment)
    }
}
