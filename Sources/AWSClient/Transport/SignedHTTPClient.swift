import NIOCore
import NIOHTTP1

/// SigV4-signed calls to a service API that has no client of its own here, such as the Ceph RGW admin ops API
/// (`/admin/user`, signed like S3). Answers with the body of a 2xx response; throws `AWSServiceError` (code and
/// message from an XML or JSON error body) for any other status, with the transport's retries for 5xx.
public struct SignedHTTPClient: Sendable {
    let configuration: AWSClientConfiguration
    let transport: AWSTransport
    let signer: SigV4Signer
    let serviceName: String

    /// Creates a client signing for `signingService` (`s3` for the RGW admin API) in the configuration's region.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport, serviceName: String, signingService: String) {
        self.configuration = configuration
        self.transport = transport
        self.serviceName = serviceName
        signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: signingService)
    }

    /// Sends `method path?query` with `body` to the configured endpoint and returns the response body.
    public func send(_ method: String, path: String, query: [(name: String, value: String)], body: [UInt8] = []) async throws -> [UInt8] {
        let request = AWSHTTPRequest(serviceName: serviceName, operation: "\(method) \(path)", endpoint: configuration.endpoint(service: "s3"), method: HTTPMethod(rawValue: method),
                                     path: path, query: query, body: ByteBuffer(bytes: body), trust: configuration.trust)
        return try await transport.send(request, signer: signer).body
    }
}
