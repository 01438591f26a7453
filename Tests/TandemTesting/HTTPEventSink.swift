import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP server on 127.0.0.1 that answers 200 to every POST and keeps the bodies: the push endpoint of RGW
/// bucket-notification topics in tests.
public final class HTTPEventSink: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let endpoint: String
    private let channel: any Channel
    private let received: Received

    private final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var bodies: [Data] = []
        func append(_ body: Data) { lock.withLock { bodies.append(body) } }
        var all: [Data] { lock.withLock { bodies } }
    }

    private init(endpoint: String, channel: any Channel, received: Received) {
        self.endpoint = endpoint
        self.channel = channel
        self.received = received
    }

    /// Starts a sink on a free port.
    public static func start() async throws -> HTTPEventSink {
        let received = Received()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(Handler(received: received)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return HTTPEventSink(endpoint: "http://127.0.0.1:\(channel.localAddress?.port ?? 0)", channel: channel, received: received)
    }

    /// The bodies of the POSTs received so far, in arrival order.
    public var bodies: [Data] { received.all }

    /// Stops listening.
    public func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let received: Received
        var body = Data()

        init(received: Received) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: body = Data()
            case .body(var buffer): body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                received.append(body)
                var head = HTTPResponseHead(version: .http1_1, status: .ok)
                head.headers.add(name: "content-length", value: "0")
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
