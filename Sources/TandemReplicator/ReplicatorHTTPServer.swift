import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The replicator's HTTP endpoint: `POST /events/<pipeline>/<secret>` (RGW bucket-notification pushes: 401 without
/// the secret, 403 with a wrong one, 413 past `maximumBody`, 400 when not an S3 event, 503 when the journal is full,
/// 200 once journaled), `GET /metrics` (Prometheus text), `GET /status` (`ReplicatorStatus` as JSON), `GET /healthz`
/// (the process answers) and `GET /readyz` (every event source has started).
///
/// Served by Hummingbird (HTTP/1.1 parsing, keep-alive, idle connections closed after a minute, at most
/// `maximumConnections` at once); what is answered is ``Routes``.
public final class ReplicatorHTTPServer: Sendable {
    /// The address it listens on, `127.0.0.1:PORT`.
    public let address: String
    private let serving: Task<Void, any Error>

    /// The largest body accepted (RGW sends one record per POST, a few KiB).
    static let maximumBody = 256 << 10
    /// Connections served at once; more wait in the listen backlog.
    static let maximumConnections = 256

    private init(address: String, serving: Task<Void, any Error>) {
        self.address = address
        self.serving = serving
    }

    /// Starts listening on `host:port` (port 0: a free one); throws when it cannot (the port is taken, say).
    public static func start(host: String, port: Int, routes: Routes) async throws -> ReplicatorHTTPServer {
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: Responder(routes: routes),
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil,
                                                    availableConnectionsDelegate: MaximumAvailableConnections(maximumConnections)),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? port)
                boundContinuation.finish()
            },
            logger: Logger(label: "tandem.replicator.http", factory: { _ in SwiftLogNoOpLogHandler() }))
        let serving = Task {
            defer { boundContinuation.finish() }
            try await application.run()
        }
        guard let boundPort = await bound.first(where: { _ in true }) else {
            // It stopped before it listened: its error says why.
            try await serving.value
            throw ConfigurationError("the endpoint \(host):\(port) stopped before it listened")
        }
        return ReplicatorHTTPServer(address: "\(host):\(boundPort)", serving: serving)
    }

    /// Stops listening and waits until the server has stopped.
    public func stop() async {
        serving.cancel()
        _ = try? await serving.value
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
        func respond(method: HTTPRequest.Method, path: String, body: Data, tooLarge: Bool = false) async -> (HTTPResponse.Status, String) {
            switch (method, path) {
            case (.get, "/healthz"): return (.ok, "ok\n")
            case (.get, "/readyz"): return isReady() ? (.ok, "ready\n") : (.serviceUnavailable, "starting\n")
            case (.get, "/metrics"): return (.ok, metrics.prometheusText())
            case (.get, "/status") where configuration != nil:
                let status = ReplicatorStatus.current(of: configuration!, metrics: metrics, ready: isReady())
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                return (.ok, String(decoding: (try? encoder.encode(status)) ?? Data(), as: UTF8.self) + "\n")
            case (.post, _) where path.hasPrefix("/events/"):
                return await acceptPush(path: path.dropFirst("/events/".count), body: body, tooLarge: tooLarge)
            default:
                return (.notFound, "not found\n")
            }
        }

        /// `POST /events/<pipeline>/<secret>`: the secret before anything is read, the body before it is stored.
        private func acceptPush(path: Substring, body: Data, tooLarge: Bool) async -> (HTTPResponse.Status, String) {
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
                return (.contentTooLarge, "body larger than \(ReplicatorHTTPServer.maximumBody) bytes\n")
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

    /// Hands each request to ``Routes``, its body read up to ``maximumBody``.
    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let routes: Routes

        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            var body = ByteBuffer()
            var tooLarge = false
            do {
                body = try await request.body.collect(upTo: ReplicatorHTTPServer.maximumBody)
            } catch is NIOTooManyBytesError {
                tooLarge = true
            }
            let (status, text) = await routes.respond(method: request.method, path: request.uri.path, body: Data(buffer: body), tooLarge: tooLarge)
            return Response(status: status, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
