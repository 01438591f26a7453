import AWSClient
import Foundation
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
    /// A PEM file of CAs trusted besides the system's (a private CA of an on-premises endpoint).
    public var caBundle: String?
    /// The CAs HTTPS connections to the endpoint trust: the system's, plus `ca_bundle` (else `AWS_CA_BUNDLE`) as
    /// loaded when the configuration was read (see ``trusting(caBundle:environment:)``).
    public private(set) var trust: TLSTrust = .system

    enum CodingKeys: String, CodingKey {
        case endpoint, region, bucket, accessKey = "access_key", secretKey = "secret_key", caBundle = "ca_bundle"
    }

    /// The `userInfo` key of the environment `AWS_CA_BUNDLE`, `SSL_CERT_FILE` and `SSL_CERT_DIR` are read from while
    /// decoding (`ReplicatorConfiguration.decode` sets it; the process's environment when absent).
    static let environmentKey = CodingUserInfoKey(rawValue: "tandem.environment")!

    /// Creates an endpoint configuration that trusts the system's CAs (see ``trusting(caBundle:environment:)``).
    public init(endpoint: String?, region: String, accessKey: String, secretKey: String, bucket: String) {
        self.endpoint = endpoint
        self.region = region
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.bucket = bucket
    }

    /// Decodes the fields and loads the CA bundle, so that a missing or unparsable file is an error of the
    /// configuration that names it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(endpoint: try container.decodeIfPresent(String.self, forKey: .endpoint), region: try container.decode(String.self, forKey: .region),
                  accessKey: try container.decode(String.self, forKey: .accessKey), secretKey: try container.decode(String.self, forKey: .secretKey),
                  bucket: try container.decode(String.self, forKey: .bucket))
        let environment = decoder.userInfo[Self.environmentKey] as? [String: String] ?? ProcessInfo.processInfo.environment
        do {
            self = try trusting(caBundle: try container.decodeIfPresent(String.self, forKey: .caBundle), environment: environment)
        } catch let error as TLSTrustError {
            throw DecodingError.dataCorruptedError(forKey: .caBundle, in: container, debugDescription: error.description)
        }
    }

    /// This endpoint trusting, besides the system's CAs, those of the PEM file `caBundle` (else of
    /// `AWS_CA_BUNDLE` in `environment`).
    ///
    /// - Throws: `TLSTrustError` naming the file when it cannot be read or holds no PEM certificate.
    public func trusting(caBundle: String?, environment: [String: String]) throws -> EndpointConfiguration {
        var copy = self
        copy.caBundle = caBundle
        copy.trust = try TLSTrust.resolve(caBundle: caBundle, environment: environment)
        return copy
    }

    /// The client configuration for this endpoint.
    public var clientConfiguration: AWSClientConfiguration {
        AWSClientConfiguration(region: region, credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey),
                               endpointOverride: endpoint, environment: [:], trust: trust)
    }

    /// `bucket at endpoint (key AKID…)`; the secret is never part of it.
    public var description: String { "\(bucket) at \(endpoint ?? "AWS \(region)") (key \(accessKey))" }
}
