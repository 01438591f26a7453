import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Who a raw test request to a ``KubeCluster`` authenticates as.
public enum KubeCredential: Sendable {
    /// A bearer token.
    case token(String)
    /// A client certificate and its key, both PEM.
    case clientCertificate(certificatePEM: [UInt8], keyPEM: [UInt8])
    /// Nobody (the API server treats the request as `system:anonymous`).
    case anonymous
}

/// The answer to a raw test request: the status and the body as sent.
public struct KubeResponse: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// The body, at most 64 MiB.
    public let body: Data

    /// The body parsed as a JSON object (a Kubernetes object, list or `Status`).
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw TestScriptError("HTTP \(status): the body is no JSON object: \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
        return object
    }
}

/// Raw authenticated REST requests to the cluster, as an operator or an external client sends them (for example to
/// write a `status` subresource, which no controller runs here to set). For tests only: the project's client is
/// `KubernetesClient`.
extension KubeCluster {
    /// One client for the process, never shut down. A connection that cannot be established fails the request at once
    /// (the cluster is ready before any request; a refused certificate would otherwise be retried until the timeout).
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Sends `method` to `path` (for example `/api/v1/namespaces`, with its query) with an optional JSON body, as the
    /// admin by token unless `credential` says otherwise, trusting only `trustedCAFile` (the cluster's CA by default).
    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json",
                     as credential: KubeCredential? = nil, trustedCAFile: String? = nil) async throws -> KubeResponse {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustedCAFile ?? caFile))
        var request = HTTPClientRequest(url: serverURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        switch credential ?? .token(adminToken) {
        case .token(let token):
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        case .clientCertificate(let certificatePEM, let keyPEM):
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificatePEM).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyPEM, format: .pem))
        case .anonymous:
            break
        }
        request.tlsConfiguration = tls
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return KubeResponse(status: Int(response.status.code), body: Data(bytes.readableBytesView))
    }

    /// GET `path`.
    public func get(_ path: String, as credential: KubeCredential? = nil) async throws -> KubeResponse {
        try await send(.GET, path, as: credential)
    }

    /// PUT `object` (JSON) to `path`: a replace, or a write of a `/status` subresource.
    public func put(_ path: String, json object: [String: Any], as credential: KubeCredential? = nil) async throws -> KubeResponse {
        try await send(.PUT, path, body: try JSONSerialization.data(withJSONObject: object), as: credential)
    }

    /// PATCH `path` with a JSON merge patch (`application/merge-patch+json`), for example `{"status": {...}}` to
    /// `.../NAME/status`.
    public func mergePatch(_ path: String, json patch: [String: Any], as credential: KubeCredential? = nil) async throws -> KubeResponse {
        try await send(.PATCH, path, body: try JSONSerialization.data(withJSONObject: patch),
                       contentType: "application/merge-patch+json", as: credential)
    }

    /// POST `object` (JSON) to a collection `path`: a create.
    public func post(_ path: String, json object: [String: Any], as credential: KubeCredential? = nil) async throws -> KubeResponse {
        try await send(.POST, path, body: try JSONSerialization.data(withJSONObject: object), as: credential)
    }
}
