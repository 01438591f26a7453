import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import TLSTrust

/// The HTTP connection to one API server: TLS as the kubeconfig says (verified unless it says otherwise), the client
/// certificate, the credential on every request, the proxy. Connections are pooled process-wide (one pool per proxy;
/// each request carries its cluster's TLS settings), so a connection needs no shutdown.
public final class KubernetesConnection: Sendable {
    /// Where and as whom.
    public let access: ClusterAccess
    private let httpClient: HTTPClient
    private let tls: TLSConfiguration
    private let credentials: CredentialSource
    private let requestTimeout: TimeAmount

    /// The largest response read into memory; a bigger one fails rather than exhausting memory.
    static let maximumResponseBytes = 64 * 1024 * 1024

    /// A connection to `access`'s server; `environment` is what exec credential plugins run with.
    public init(access: ClusterAccess, environment: [String: String], requestTimeout: Duration = .seconds(60)) throws {
        self.access = access
        tls = try Self.tlsConfiguration(access, identity: access.clientIdentity)
        httpClient = Self.pool(proxy: access.proxy)
        credentials = CredentialSource(access.credential, environment: environment)
        self.requestTimeout = .seconds(requestTimeout.components.seconds)
    }

    private static let pools = Mutex<[String: HTTPClient]>([:])

    /// The process's client for `proxy` (none: direct), made on first use and kept for the process's life.
    private static func pool(proxy: URL?) -> HTTPClient {
        pools.withLock { pools in
            let key = proxy?.absoluteString ?? ""
            if let existing = pools[key] { return existing }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
            // Otherwise every failed handshake is retried until the connect timeout: 10 s to report a refused certificate.
            configuration.connectionPool.retryConnectionEstablishment = false
            if let proxy, let host = proxy.host {
                let port = proxy.port ?? (proxy.scheme == "socks5" ? 1080 : 80)
                configuration.proxy = proxy.scheme == "socks5" ? .socksServer(host: host, port: port) : .server(host: host, port: port)
            }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            pools[key] = client
            return client
        }
    }

    static func tlsConfiguration(_ access: ClusterAccess, identity: ClientIdentity?) throws -> TLSConfiguration {
        if access.tlsServerName != nil {
            throw KubeconfigError("context \"\(access.contextName)\": tls-server-name is not supported; use a server URL whose host the certificate names")
        }
        var tls = access.trust.clientConfiguration ?? TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = access.skipsTLSVerification ? .none : .fullVerification
        if let identity {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(identity.certificatePEM).map { .certificate($0) }
            } catch {
                throw KubeconfigError("the client certificate from \(identity.source) is not a PEM certificate")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: identity.keyPEM, format: .pem))
            } catch {
                throw KubeconfigError("the client key that goes with \(identity.source) is not a PEM private key")
            }
        }
        return tls
    }

    /// How many times an exec credential plugin ran on this connection.
    public var credentialPluginRuns: Int {
        get async { await credentials.pluginRuns }
    }

    /// A response: status and body.
    struct Response: Sendable {
        var statusCode: Int
        var body: [UInt8]
    }

    /// Sends a request and returns a 2xx response's body; throws ``KubernetesAPIError`` for any other status (a
    /// 404 included: callers that expect one catch it), ``KubernetesConnectionError`` when the server cannot be reached.
    /// A 401 with an exec plugin's credential runs the plugin again once; 429 and 503 are retried after a pause.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
              contentType: String = "application/json", operation: String) async throws -> [UInt8] {
        var attempt = 1
        while true {
            let response = try await sendOnce(method, path, query: query, body: body, contentType: contentType, operation: operation)
            if (200..<300).contains(response.statusCode) { return response.body }
            if response.statusCode == 401, attempt == 1, await credentials.canRefresh {
                await credentials.invalidate()
            } else if [429, 503].contains(response.statusCode), attempt < 5 {
                try await Task.sleep(for: .milliseconds(200 << attempt))
            } else {
                throw KubernetesAPIError(operation: operation, statusCode: response.statusCode, body: response.body)
            }
            attempt += 1
        }
    }

    private func sendOnce(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?, contentType: String,
                          operation: String) async throws -> Response {
        var components = URLComponents()
        components.percentEncodedPath = path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        let base = access.server.absoluteString.hasSuffix("/") ? String(access.server.absoluteString.dropLast()) : access.server.absoluteString
        var request = HTTPClientRequest(url: base + (components.string ?? path))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "tandem/0.1")
        let (authorization, identity) = try await credentials.authorization()
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.tlsConfiguration = try identity.map { try Self.tlsConfiguration(access, identity: $0) } ?? tls
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(body)
        }
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: requestTimeout)
        } catch {
            let host = access.server.host ?? "", port = access.server.port ?? 443
            if let handshake = TLSHandshakeFailure(error) {
                let explained = await handshake.explained(host: host, port: port, trust: access.trust)
                throw KubernetesConnectionError("\(operation): TLS handshake with the API server \(access.server.absoluteString) "
                                                + "(context \(access.contextName)) failed: \(explained)")
            }
            throw KubernetesConnectionError("\(operation): cannot reach the API server \(access.server.absoluteString) "
                                            + "(context \(access.contextName)): \(error)")
        }
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
        } catch {
            throw KubernetesConnectionError("\(operation): the API server's answer is larger than \(Self.maximumResponseBytes >> 20) MiB or broke off: \(error)")
        }
        return Response(statusCode: Int(response.status.code), body: Array(buffer: bytes))
    }
}
