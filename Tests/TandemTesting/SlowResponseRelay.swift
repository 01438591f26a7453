import Foundation
import NIOCore
import NIOPosix

/// A TCP relay on 127.0.0.1 that passes what clients send to `backend` at once but holds each byte the backend
/// answers for `delay`: a slow network on the way back. TLS passes through untouched (the client still verifies
/// the backend's certificate for 127.0.0.1). With it a test can stop a client in the window where the server has
/// done a request and the client does not know yet.
public final class SlowResponseRelay: Sendable {
    /// The port it listens on.
    public let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Starts relaying to `backendPort` on 127.0.0.1.
    public static func start(backendPort: Int, delay: TimeAmount) async throws -> SlowResponseRelay {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop).connect(host: "127.0.0.1", port: backendPort).flatMapThrowing { outbound in
                    try inbound.pipeline.syncOperations.addHandler(DelayedRelay(peer: outbound, delay: .zero))
                    try outbound.pipeline.syncOperations.addHandler(DelayedRelay(peer: inbound, delay: delay))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestScriptError("SlowResponseRelay: no local port") }
        return SlowResponseRelay(port: port, channel: channel)
    }

    /// Stops accepting connections.
    public func stop() async throws {
        try await channel.close().get()
    }
}

/// Writes what one side reads to the other after `delay` (none: at once; otherwise in order, every chunk waiting the
/// same time), and closes the other side once everything read before the close was written. Both channels share one
/// event loop (the backend connection is made on the client connection's loop).
final class DelayedRelay: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let peer: any Channel
    private let delay: TimeAmount

    init(peer: any Channel, delay: TimeAmount) {
        self.peer = peer
        self.delay = delay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard delay > .zero else { return peer.writeAndFlush(bytes, promise: nil) }
        let peer = self.peer
        context.eventLoop.scheduleTask(in: delay) { peer.writeAndFlush(bytes, promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let peer = self.peer
        if delay > .zero {
            context.eventLoop.scheduleTask(in: delay) { peer.close(promise: nil) }
        } else {
            peer.close(promise: nil)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
