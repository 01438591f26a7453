import Foundation
import NIOCore
import NIOHTTP1

/// A client for the S3 REST API (bucket configuration and the few object calls tests need).
///
/// Addressing: against a custom endpoint (override or `AWS_ENDPOINT_URL*`) requests are
/// path-style (`http://host:port/bucket/key`); against AWS, buckets whose names are valid DNS
/// labels without dots use virtual-hosted style (`https://bucket.s3.region.amazonaws.com/key`),
/// others path-style.
public struct S3Client: Sendable {
    let configuration: AWSClientConfiguration
    let transport: AWSTransport
    let signer: SigV4Signer
    /// The S3 endpoint, and whether it is a custom one, resolved once (per request they cost string bridging to
    /// Foundation and a URL parse).
    let endpoint: URL, usesCustomEndpoint: Bool

    /// Creates a client; it shares `transport`'s connections and does not own them.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport) {
        self.configuration = configuration
        self.transport = transport
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
        self.endpoint = configuration.endpoint(service: "s3")
        self.usesCustomEndpoint = configuration.usesCustomEndpoint(service: "s3")
    }

    /// The endpoint and encoded path for a bucket (and optionally an object key).
    func location(bucket: String, key: String? = nil) -> (endpoint: URL, path: String) {
        let encodedKey = key.map { PercentEncoding.encode($0, keepingSlashes: true) }
        if !usesCustomEndpoint, Self.isVirtualHostCompatible(bucket),
           let host = endpoint.host,
           let virtualHost = URL(string: "\(endpoint.scheme ?? "https")://\(bucket).\(host)") {
            return (virtualHost, "/" + (encodedKey ?? ""))
        }
        let bucketPath = "/" + PercentEncoding.encode(bucket)
        return (endpoint, encodedKey.map { bucketPath + "/" + $0 } ?? bucketPath)
    }

    /// A lower-case DNS label of 3 to 63 characters: letters, digits and hyphens, no dots
    /// (dots break TLS wildcard certificates).
    static func isVirtualHostCompatible(_ bucket: String) -> Bool {
        guard (3...63).contains(bucket.count), bucket.first != "-", bucket.last != "-" else { return false }
        return bucket.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Sends one S3 request. A body gets `Content-MD5`, which several bucket configuration calls require. Object data
    /// (`objectData`) is signed as `UNSIGNED-PAYLOAD`, as AWS SDKs do for uploads: its signed Content-MD5 already binds
    /// the bytes to the request (S3 refuses a body that does not match), so one hash pass over it is enough.
    @discardableResult
    func send(
        _ operation: String, _ method: HTTPMethod, bucket: String, key: String? = nil, query: [(name: String, value: String)] = [],
        headers: HTTPHeaders = HTTPHeaders(), body: ByteBuffer = ByteBuffer(), objectData: Bool = false
    ) async throws -> AWSHTTPResponse {
        let (endpoint, path) = location(bucket: bucket, key: key)
        var headers = headers
        if body.readableBytes > 0 {
            headers.replaceOrAdd(name: "content-md5", value: ContentMD5.value(for: body))
        }
        let request = AWSHTTPRequest(
            serviceName: "S3", operation: operation, endpoint: endpoint, method: method, path: path, query: query, headers: headers, body: body,
            payload: objectData && body.readableBytes > 0 ? .unsigned : nil, trust: configuration.trust)
        return try await transport.send(request, signer: signer)
    }

    /// Sends one bodiless S3 request once and hands the answer's headers and body, as it arrives, to `consume`.
    func streaming<T>(_ operation: String, bucket: String, key: String, query: [(name: String, value: String)], headers: HTTPHeaders,
                      consume: (HTTPHeaders, ResponseBody) async throws -> T) async throws -> T {
        let (endpoint, path) = location(bucket: bucket, key: key)
        let request = AWSHTTPRequest(serviceName: "S3", operation: operation, endpoint: endpoint, method: .GET, path: path, query: query, headers: headers,
                                     body: ByteBuffer(), payload: nil, trust: configuration.trust)
        return try await transport.streaming(request, signer: signer, consume: consume)
    }

    /// Sends a request with an XML body (to the bucket, or to one of its objects).
    @discardableResult
    func send(_ operation: String, _ method: HTTPMethod, bucket: String, query: [(name: String, value: String)], xml: XMLNode,
              key: String? = nil) async throws -> AWSHTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/xml")
        return try await send(operation, method, bucket: bucket, key: key, query: query, headers: headers, body: ByteBuffer(bytes: xml.document()))
    }

    /// Parses an XML response body.
    func xml(_ response: AWSHTTPResponse, operation: String) throws -> XMLNode {
        do {
            return try XMLNode.parse(response.body)
        } catch let error as AWSClientError {
            throw AWSClientError(.invalidResponse, "S3 \(operation): \(error.message)")
        }
    }
}
