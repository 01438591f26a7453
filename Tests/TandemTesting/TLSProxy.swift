import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A TLS-terminating proxy on 127.0.0.1 in front of a plain-HTTP server (moto, radosgw): an HTTPS endpoint whose
/// certificate a test chose (signed by a ``TestCertificateAuthority``), so clients can be tested against a private CA.
///
/// Each accepted connection gets its own connection to the backend; bytes are relayed both ways unchanged, without
/// backpressure (test-sized bodies).
public final class TLSProxy: Sendable {
    /// The port it listens on.
    public let port: Int
    private let channel: any Channel

    /// `https://127.0.0.1:PORT`.
    public var endpoint: String { "https://127.0.0.1:\(port)" }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Starts a proxy presenting `certificatePath` (PEM chain) with `keyPath` to clients and relaying to `backend`
    /// (`http://HOST:PORT`).
    public static func start(certificatePath: String, keyPath: String, backend: String) async throws -> TLSProxy {
        guard let url = URLComponents(string: backend), let host = url.host, let backendPort = url.port else {
            throw TestScriptError("TLSProxy: backend \(backend) is not http://HOST:PORT")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                // On the client connection's loop, so both pipelines can be set up here synchronously.
                ClientBootstrap(group: inbound.eventLoop).connect(host: host, port: backendPort).flatMapThrowing { outbound in
                    try inbound.pipeline.syncOperations.addHandlers(NIOSSLServerHandler(context: context), DelayedRelay(peer: outbound, delay: .zero))
                    try outbound.pipeline.syncOperations.addHandler(DelayedRelay(peer: inbound, delay: .zero))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestScriptError("TLSProxy: no local port") }
        return TLSProxy(port: port, channel: channel)
    }

    /// Stops accepting connections.
    public func stop() async throws {
        try await channel.close().get()
    }
}
