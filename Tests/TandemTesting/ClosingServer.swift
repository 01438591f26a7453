import Foundation
import NIOCore
import NIOPosix

/// A server on 127.0.0.1 that reads what a client first sends (a TLS ClientHello) and closes the connection: what a
/// client sees of a server restarting behind its port.
public final class ClosingServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let channel: any Channel
    private let accepted: Counter

    /// How many connections it has accepted (a client that retries a failed handshake shows as more than one).
    public var acceptedConnections: Int { accepted.value }

    private init(port: Int, channel: any Channel, accepted: Counter) {
        self.port = port
        self.channel = channel
        self.accepted = accepted
    }

    /// Starts the server.
    public static func start() async throws -> ClosingServer {
        let accepted = Counter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { connection in
                accepted.increment()
                return connection.eventLoop.makeCompletedFuture { try connection.pipeline.syncOperations.addHandler(CloseAfterFirstRead()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestScriptError("ClosingServer: no local port") }
        return ClosingServer(port: port, channel: channel, accepted: accepted)
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    /// Stops accepting connections.
    public func stop() async throws {
        try await channel.close().get()
    }
}

/// Closes the connection once its first bytes have been read (read, so the close is a FIN rather than a reset).
private final class CloseAfterFirstRead: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.close(promise: nil)
    }
}
