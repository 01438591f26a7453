import AWSClient
import TLSTrust

/// One S3-compatible endpoint with the credentials to use it, and the CAs its certificate is verified against.
public struct EndpointConfiguration: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The endpoint URL; AWS when nil.
    public var endpoint: String?
    /// The region to sign for.
    public var region: String
    /// The access key id.
    public var accessKey: String
    /// The secret access key (never printed).
    public var secretKey: String
    /// The bucket.
    public var bucket: String
    /// Source only: replicate just the keys under this prefix, and give the key template the key without it (so
    /// `PREFIX/a` on the source becomes `a` with `{key}`: the inverse of a target template `PREFIX/{key}`).
    public var prefix: String?
    /// A PEM file of CAs trusted besides the system's (a private CA of an on-premises endpoint).
    public var caBundle: String?
    /// The CAs HTTPS connections to the endpoint trust: the system's, plus `ca_bundle` (else `AWS_CA_BUNDLE`) once
    /// loaded (see ``loadingTrust(environment:)``).
    public private(set) var trust: TLSTrust = .system

    enum CodingKeys: String, CodingKey {
        case endpoint, region, bucket, prefix, accessKey = "access_key", secretKey = "secret_key", caBundle = "ca_bundle"
    }

    /// Creates an endpoint configuration; it trusts the system's CAs until ``loadingTrust(environment:)``.
    public init(endpoint: String?, region: String, accessKey: String, secretKey: String, bucket: String, prefix: String? = nil,
                caBundle: String? = nil) {
        self.prefix = prefix
        self.endpoint = endpoint
        self.region = region
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.bucket = bucket
        self.caBundle = caBundle
    }

    /// This endpoint trusting, besides the system's CAs, those of the PEM file `ca_bundle` (else of `AWS_CA_BUNDLE`
    /// in `environment`).
    ///
    /// - Throws: `TLSTrustError` naming the file when it cannot be read or holds no PEM certificate.
    public func loadingTrust(environment: [String: String]) throws -> EndpointConfiguration {
        var loaded = self
        loaded.trust = try TLSTrust.resolve(caBundle: caBundle, environment: environment)
        return loaded
    }

    /// The client configuration for this endpoint.
    public var clientConfiguration: AWSClientConfiguration {
        AWSClientConfiguration(region: region, credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey),
                               endpointOverride: endpoint, environment: [:], trust: trust)
    }

    /// `bucket at endpoint (key AKID…)`; the secret is never part of it.
    public var description: String { "\(bucket) at \(endpoint ?? "AWS \(region)") (key \(accessKey))" }
}
