import NIOHTTP1

/// The parts of an HTTP request that Signature Version 4 covers.
public struct SigV4Request: Sendable {
    /// The HTTP method, for example `GET`.
    public var method: String
    /// The path exactly as it goes on the wire, each segment already percent-encoded
    /// (for example `/my-bucket/photos/a%20b.jpg`).
    public var path: String
    /// The query parameters, not encoded; order does not matter, duplicates are allowed.
    public var query: [(name: String, value: String)]
    /// The headers to sign. Must contain `host`. `authorization`, `user-agent`, `content-length` and
    /// `expect` are never signed (intermediaries may change them).
    public var headers: HTTPHeaders
    /// The body, or how to stand for it in the signature.
    public var payload: SigV4Payload

    /// Creates a request description.
    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: HTTPHeaders, payload: SigV4Payload) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payload = payload
    }
}

/// How the body enters the signature.
public enum SigV4Payload: Sendable, Equatable {
    /// The body itself; the signer hashes it.
    case bytes([UInt8])
    /// The body's SHA-256, already computed, as lower-case hex.
    case sha256Hex(String)
    /// `UNSIGNED-PAYLOAD` (S3 only): the body is not covered by the signature.
    case unsigned
}

/// The result of signing: every intermediate value (so tests can compare against published vectors)
/// and the headers to send.
public struct SigV4Signature: Sendable {
    /// The canonical request (method, URI, query, headers, signed header list, payload hash).
    public var canonicalRequest: String
    /// The string to sign (algorithm, date, credential scope, hash of the canonical request).
    public var stringToSign: String
    /// The hex HMAC-SHA256 signature.
    public var signature: String
    /// The `Authorization` header value.
    public var authorization: String
    /// The request's headers plus `x-amz-date`, `x-amz-security-token` (with a session token),
    /// `x-amz-content-sha256` (S3) and `authorization`: everything to send.
    public var headers: HTTPHeaders
}
