import AWSClient
import Foundation

/// The replicator process: one HTTP endpoint (pushes, metrics, health), and one event source per pipeline.
///
/// `run` returns when its task is cancelled (SIGTERM): SQS sources stop polling and finish the messages they
/// hold (unfinished ones return to the queue by their visibility timeout); Kafka sources stop polling, commit what
/// is done and leave the group; push sources finish what they started, and what they did not start stays in the
/// journal for the next run. Every pipeline also reconciles source and target at start and every
/// `reconcile_interval` (`Reconciler`).
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

    /// Runs until cancelled. `started` receives the endpoint's address once it listens.
    public func run(started: @Sendable (String) -> Void = { _ in }) async throws {
        let transport = AWSTransport(connectionsPerHost: Self.connections(for: configuration.pipelines))
        defer { Task { try? await transport.shutdown() } }
        var push: [String: PushEventSource] = [:]
        var polls: [SQSEventSource] = []
        var consumers: [KafkaEventSource] = []
        var reconcilers: [Reconciler] = []
        for pipelineConfiguration in configuration.pipelines {
            let pipeline = try Pipeline(pipelineConfiguration, transport: transport)
            reconcilers.append(Reconciler(pipeline: pipeline, metrics: metrics, log: log))
            if let sqs = pipelineConfiguration.events.sqs {
                polls.append(SQSEventSource(sqs, source: pipelineConfiguration.source, pipeline: pipeline, concurrency: pipelineConfiguration.concurrency,
                                            transport: transport, metrics: metrics, log: log))
            } else if let kafka = pipelineConfiguration.events.kafka {
                consumers.append(try KafkaEventSource(kafka, pipeline: pipeline, concurrency: pipelineConfiguration.concurrency, metrics: metrics, log: log))
            } else {
                push[pipeline.name] = try PushEventSource(directory: configuration.stateDirectory + "/journal", pipeline: pipeline,
                                                          concurrency: pipelineConfiguration.concurrency, metrics: metrics, log: log)
            }
        }
        let (host, port) = try Self.hostAndPort(configuration.listen)
        let readiness = self.readiness
        let server = try await ReplicatorHTTPServer.start(host: host, port: port,
                                                          routes: .init(push: push, metrics: metrics, configuration: configuration,
                                                                        isReady: { readiness.isReady }))
        log("listening on \(server.address) with \(configuration.pipelines.count) pipeline(s)")
        started(server.address)
        let pushSources = Array(push.values)
        await withTaskGroup(of: Void.self) { group in
            for source in pushSources { group.addTask { await source.run() } }
            for source in polls { group.addTask { await source.run() } }
            for source in consumers { group.addTask { await source.run() } }
            // Objects whose events were lost (or that existed before events flowed) are reconciled alongside.
            for reconciler in reconcilers { group.addTask { await reconciler.run() } }
            readiness.set()
            // Wait for cancellation, then let the push sources drain what they started.
            group.addTask {
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                pushSources.forEach { $0.finish() }
            }
            await group.waitForAll()
        }
        await server.stop()
        log("stopped")
    }

    /// Enough connections for every pipeline's concurrent keys and parts.
    public static func connections(for pipelines: [PipelineConfiguration]) -> Int {
        max(8, pipelines.map { $0.concurrency * max($0.copy?.partsInFlight ?? 4, 1) }.max() ?? 8)
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
