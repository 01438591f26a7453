import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TLSTrust

/// One service call before signing: where it goes and what it carries.
struct AWSHTTPRequest: Sendable {
    /// The service's display name for errors and logs (`S3`, `SQS`, `STS`).
    var serviceName: String
    /// The API operation (`PutBucketPolicy`, `CreateQueue`), named in errors so a failure says which call failed.
    var operation: String
    /// The base URL: scheme, host, optional port, and an optional path prefix.
    var endpoint: URL
    var method: HTTPMethod
    /// The path below the endpoint, each segment already percent-encoded; starts with `/`.
    var path: String
    /// Query parameters, not encoded.
    var query: [(name: String, value: String)] = []
    var headers: HTTPHeaders = HTTPHeaders()
    /// Sent as it is: a ByteBuffer goes to the connection without another copy.
    var body = ByteBuffer()
    /// A body sent as it arrives instead of `body` (see `AWSTransport.sendStreamedBody`).
    var streamedBody: HTTPClientRequest.Body? = nil
    /// How the body enters the signature; nil: its SHA-256, computed once for every attempt.
    var payload: SigV4Payload? = nil
    /// The CAs the endpoint's certificate is verified against.
    var trust: TLSTrust = .system

    /// `host[:port]` as it must appear in the `Host` header (default ports omitted).
    var hostHeader: String { hostHeader(scheme: scheme) }

    /// ``hostHeader`` with the scheme already read from the endpoint.
    func hostHeader(scheme: String) -> String {
        let host = endpoint.host ?? ""
        // Bytes, not `contains(":")`: Foundation answers that with a full string search (2 % of an SQS event).
        let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        guard let port = endpoint.port else { return bracketed }
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { return bracketed }
        return "\(bracketed):\(port)"
    }

    /// The path on the wire: the endpoint's own path prefix followed by ``path``.
    var wirePath: String {
        var prefix = endpoint.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// The query string on the wire, in the order given; a parameter with an empty value is sent
    /// bare (`?versioning`), as the AWS SDKs do for S3 sub-resources.
    var wireQuery: String {
        query.map { item in
            let name = PercentEncoding.encode(item.name)
            return item.value.isEmpty ? name : "\(name)=\(PercentEncoding.encode(item.value))"
        }.joined(separator: "&")
    }

    /// The endpoint's scheme in lower case (`https` when it names none).
    var scheme: String { endpoint.scheme?.lowercased() ?? "https" }

    /// The full URL from parts already read from the endpoint (``scheme``, ``hostHeader``, ``wirePath``).
    func url(scheme: String, host: String, path: String) -> String {
        let query = wireQuery
        return "\(scheme)://\(host)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }
}

/// A response whose body has been read completely.
struct AWSHTTPResponse: Sendable {
    var statusCode: Int
    var headers: HTTPHeaders
    /// The body as it was received.
    var buffer: ByteBuffer

    /// The body as bytes (a copy: for XML, JSON and error bodies, not object data).
    var body: [UInt8] { Array(buffer: buffer) }
}
