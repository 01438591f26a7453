import AWSClient
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The replicator process: one HTTP endpoint (pushes, metrics, health), and one event source per pipeline, run as
/// services of a swift-service-lifecycle `ServiceGroup`.
///
/// On graceful shutdown (SIGTERM or SIGINT when `stopsOnSignals`, as in `tandem replicator run`) or cancellation, the
/// services stop in reverse order: event sources first (SQS sources stop polling and finish the messages they hold,
/// unfinished ones return to the queue by their visibility timeout; Kafka sources stop polling, commit what is done
/// and leave the group; push sources finish what they started, and what they did not start stays in the journal for
/// the next run), then the reconcilers (every pipeline reconciles source and target at start and every
/// `reconcile_interval`, `Reconciler`), and the HTTP endpoint last, so `/metrics` answers until the end.
public final class Replicator: Sendable {
    let configuration: ReplicatorConfiguration
    let log: @Sendable (String) -> Void
    /// Counters of every pipeline.
    public let metrics = ReplicatorMetrics()
    private let readiness = Readiness()

    /// Creates a replicator; `log` receives one line per noteworthy thing.
    public init(configuration: ReplicatorConfiguration, log: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.log = log
    }

    /// Runs until cancelled, or SIGTERM or SIGINT arrives when `stopsOnSignals`. `started` receives the endpoint's
    /// address once it listens.
    public func run(stopsOnSignals: Bool = false, started: @Sendable (String) -> Void = { _ in }) async throws {
        let transport = AWSTransport(connectionsPerHost: Self.connections(for: configuration.pipelines))
        defer { Task { try? await transport.shutdown() } }
        var sources: [any Service] = []
        var reconcilers: [any Service] = []
        var push: [String: PushEventSource] = [:]
        for pipelineConfiguration in configuration.pipelines {
            metrics.register(pipeline: pipelineConfiguration.name)
            let pipeline = try Pipeline(pipelineConfiguration, transport: transport)
            let reconciler = Reconciler(pipeline: pipeline, metrics: metrics, log: log)
            reconcilers.append(ClosureService { await cancelWhenGracefulShutdown { await reconciler.run() } })
            if let sqs = pipelineConfiguration.events.sqs {
                let source = SQSEventSource(sqs, source: pipelineConfiguration.source, pipeline: pipeline, concurrency: pipelineConfiguration.concurrency,
                                            transport: transport, metrics: metrics, log: log)
                sources.append(ClosureService { await cancelWhenGracefulShutdown { await source.run() } })
            } else if let kafka = pipelineConfiguration.events.kafka {
                let source = try KafkaEventSource(kafka, pipeline: pipeline, concurrency: pipelineConfiguration.concurrency, metrics: metrics, log: log)
                sources.append(ClosureService { await cancelWhenGracefulShutdown { await source.run() } })
            } else {
                let source = try PushEventSource(directory: configuration.stateDirectory + "/journal", pipeline: pipeline,
                                                 concurrency: pipelineConfiguration.concurrency, metrics: metrics, log: log)
                push[pipeline.name] = source
                // A push source runs until told to finish; it then completes what it started.
                sources.append(ClosureService {
                    await withTaskCancellationOrGracefulShutdownHandler { await source.run() } onCancelOrGracefulShutdown: { source.finish() }
                })
            }
        }
        let (host, port) = try Self.hostAndPort(configuration.listen)
        let readiness = self.readiness
        let server = try await ReplicatorHTTPServer.start(host: host, port: port,
                                                          routes: .init(push: push, metrics: metrics, configuration: configuration,
                                                                        isReady: { readiness.isReady }))
        log("listening on \(server.address) with \(configuration.pipelines.count) pipeline(s); tasks run on "
            + (EventLoopExecutor.isInstalled ? "NIO's event loops" : "Swift's own pool"))
        started(server.address)
        let endpoint = ClosureService {
            try? await gracefulShutdown()
            await server.stop()
        }
        // Last in the list, so first told to stop: says that the stop began.
        let log = self.log
        let announcer = ClosureService {
            try? await gracefulShutdown()
            log("shutting down: finishing work in flight")
        }
        // A source or reconciler that ends by itself leaves the others running, as the endpoint does.
        let services = ([endpoint] + reconcilers + sources + [announcer]).map {
            ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .ignore)
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: stopsOnSignals ? [.sigterm, .sigint] : [],
            logger: Logger(label: "tandem.replicator", factory: { _ in SwiftLogNoOpLogHandler() })))
        readiness.set()
        do {
            try await group.run()
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        log("stopped")
    }

    /// Enough connections for every pipeline's concurrent keys: each key's GET and its parts in flight (a large copy's
    /// GET waits for its parts, whose bodies it feeds, so a part waiting for a connection held by GETs would stall).
    public static func connections(for pipelines: [PipelineConfiguration]) -> Int {
        max(8, pipelines.map { $0.concurrency * (max($0.copy?.partsInFlight ?? 4, 1) + 1) }.max() ?? 8)
    }

    static func hostAndPort(_ listen: String) throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ConfigurationError("listen must be HOST:PORT, not \(listen)")
        }
        return (String(listen[..<colon]), port)
    }
}

/// Set once every event source has started.
final class Readiness: @unchecked Sendable {
    private let lock = NSLock()
    private var ready = false

    func set() { lock.withLock { ready = true } }
    var isReady: Bool { lock.withLock { ready } }
}
