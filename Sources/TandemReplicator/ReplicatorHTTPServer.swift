import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The replicator's HTTP endpoint: `POST /events/<pipeline>/<secret>` (RGW bucket-notification pushes: 401 without
/// the secret, 403 with a wrong one, 413 past `maximumBody`, 400 when not an S3 event, 503 when the journal is full,
/// 200 once journaled), `GET /metrics` (Prometheus text), `GET /status` (`ReplicatorStatus` as JSON), `GET /healthz`
/// (the process answers) and `GET /readyz` (every event source has started).
public final class ReplicatorHTTPServer: Sendable {
    /// The address it listens on, `127.0.0.1:PORT`.
    public let address: String
    private let channel: any Channel

    /// The largest body accepted (RGW sends one record per POST, a few KiB).
    static let maximumBody = 256 << 10

    private init(address: String, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Starts listening on `host:port` (port 0: a free one).
    public static func start(host: String, port: Int, routes: Routes) async throws -> ReplicatorHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(Handler(routes: routes)) }
            }
            .bind(host: host, port: port).get()
        return ReplicatorHTTPServer(address: "\(host):\(channel.localAddress?.port ?? port)", channel: channel)
    }

    /// Stops listening.
    public func stop() async {
        try? await channel.close()
    }

    /// What the endpoints serve.
    public struct Routes: Sendable {
        /// Push sources by pipeline name.
        public var push: [String: PushEventSource]
        /// Counters for `/metrics`.
        public var metrics: ReplicatorMetrics
        /// True once every source runs.
        public var isReady: @Sendable () -> Bool
        /// The configuration served by `/status` (none: `/status` is not served).
        public var configuration: ReplicatorConfiguration?

        /// Creates routes.
        public init(push: [String: PushEventSource], metrics: ReplicatorMetrics, configuration: ReplicatorConfiguration? = nil,
                    isReady: @escaping @Sendable () -> Bool) {
            self.push = push
            self.metrics = metrics
            self.configuration = configuration
            self.isReady = isReady
        }

        /// The status and body for a request; `tooLarge`: the body passed `maximumBody` and was not kept.
        func respond(method: HTTPMethod, path: String, body: Data, tooLarge: Bool = false) async -> (HTTPResponseStatus, String) {
            switch (method, path) {
            case (.GET, "/healthz"): return (.ok, "ok\n")
            case (.GET, "/readyz"): return isReady() ? (.ok, "ready\n") : (.serviceUnavailable, "starting\n")
            case (.GET, "/metrics"): return (.ok, metrics.prometheusText())
            case (.GET, "/status") where configuration != nil:
                let status = ReplicatorStatus.current(of: configuration!, metrics: metrics, ready: isReady())
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                return (.ok, String(decoding: (try? encoder.encode(status)) ?? Data(), as: UTF8.self) + "\n")
            case (.POST, _) where path.hasPrefix("/events/"):
                return await acceptPush(path: path.dropFirst("/events/".count), body: body, tooLarge: tooLarge)
            default:
                return (.notFound, "not found\n")
            }
        }

        /// `POST /events/<pipeline>/<secret>`: the secret before anything is read, the body before it is stored.
        private func acceptPush(path: Substring, body: Data, tooLarge: Bool) async -> (HTTPResponseStatus, String) {
            let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let source = push[String(parts[0])] else { return (.notFound, "no such pipeline\n") }
            guard parts.count == 2, !parts[1].isEmpty else {
                metrics.add("pushes_rejected", pipeline: String(parts[0]), reason: "no-secret")
                return (.unauthorized, "the push path is /events/<pipeline>/<secret>\n")
            }
            guard source.authorizes(parts[1]) else {
                metrics.add("pushes_rejected", pipeline: String(parts[0]), reason: "wrong-secret")
                return (.forbidden, "wrong secret\n")
            }
            if tooLarge {
                metrics.add("pushes_rejected", pipeline: String(parts[0]), reason: "too-large")
                return (.payloadTooLarge, "body larger than \(ReplicatorHTTPServer.maximumBody) bytes\n")
            }
            do {
                switch try await source.accept(body) {
                case .journaled, .nothingToDo: return (.ok, "")
                case .malformed(let reason): return (.badRequest, "not an S3 event: \(reason.prefix(200))\n")
                // Not journaled: the sender must retry (RGW persistent topics do).
                case .journalFull(let reason): return (.serviceUnavailable, "\(reason)\n")
                }
            } catch {
                return (.internalServerError, "could not journal the event\n")
            }
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let routes: Routes
        var head: HTTPRequestHead?
        var body = Data()
        var tooLarge = false

        init(routes: Routes) { self.routes = routes }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body = Data()
                tooLarge = false
            case .body(var buffer):
                if body.count + buffer.readableBytes > ReplicatorHTTPServer.maximumBody { tooLarge = true } else {
                    body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
                }
            case .end:
                guard let head else { return }
                let (method, path, body, tooLarge, routes) = (head.method, String(head.uri.prefix { $0 != "?" }), body, tooLarge, routes)
                let keepAlive = head.isKeepAlive
                let loop = context.eventLoop
                let boundContext = NIOLoopBound(context, eventLoop: loop)
                let future = loop.makeFutureWithTask {
                    await routes.respond(method: method, path: path, body: body, tooLarge: tooLarge)
                }
                future.whenSuccess { status, text in
                    let context = boundContext.value
                    var responseHead = HTTPResponseHead(version: .http1_1, status: status)
                    responseHead.headers.add(name: "content-length", value: String(text.utf8.count))
                    responseHead.headers.add(name: "content-type", value: "text/plain; version=0.0.4")
                    if !keepAlive { responseHead.headers.add(name: "connection", value: "close") }
                    context.write(NIOAny(HTTPServerResponsePart.head(responseHead)), promise: nil)
                    context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
                    if !keepAlive { done.whenComplete { _ in boundContext.value.close(promise: nil) } }
                }
            }
        }
    }
}
