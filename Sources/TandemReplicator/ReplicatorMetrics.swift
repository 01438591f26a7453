import CoreMetrics
import Foundation
import Prometheus

/// What the replicator did, per pipeline, safe to update from any task. Everything is recorded through swift-metrics
/// into a Prometheus registry (`/metrics` is its text exposition); counters and gauges are also kept here for
/// `/status` and `tandem replicator status`, which read values back.
public final class ReplicatorMetrics: @unchecked Sendable {
    /// One counter's or gauge's identity: its name and labels (pipeline, reason).
    public struct Key: Hashable, Sendable, Comparable {
        /// `events_received`, `events_skipped`, `objects_replicated`, `objects_deleted`, `events_failed`, `bytes_replicated`, ...
        public var name: String
        /// The pipeline.
        public var pipeline: String
        /// The skip or rejection reason, for `events_skipped` and `pushes_rejected`.
        public var reason: String?

        /// Orders by name, pipeline, reason.
        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.name, lhs.pipeline, lhs.reason ?? "") < (rhs.name, rhs.pipeline, rhs.reason ?? "")
        }

        fileprivate var dimensions: [(String, String)] {
            [("pipeline", pipeline)] + (reason.map { [("reason", $0)] } ?? [])
        }
    }

    /// Upper bounds of the copy-duration buckets (`tandem_replicator_copy_seconds`), in seconds.
    static let copyBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    /// Upper bounds of the replication-latency buckets (`tandem_replicator_replication_latency_seconds`: from the
    /// event's time at the source to the change landing on the target), in seconds.
    static let latencyBounds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

    private let lock = NSLock()
    private var counters: [Key: Int] = [:]
    private var gauges: [Key: Int] = [:]
    /// The registry's handles, made once per key: asking the factory again on every event cost a lookup by name and
    /// labels under the registry's lock each time.
    private var counterHandles: [Key: CoreMetrics.Counter] = [:]
    private var gaugeHandles: [Key: CoreMetrics.Gauge] = [:]
    private var timerHandles: [Key: CoreMetrics.Timer] = [:]
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    /// Creates empty metrics with a registry of their own.
    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        func durations(_ bounds: [Double]) -> [Duration] { bounds.map { .nanoseconds(Int64(($0 * 1e9).rounded())) } }
        factory.durationHistogramBuckets = ["tandem_replicator_copy_seconds": durations(Self.copyBounds),
                                            "tandem_replicator_replication_latency_seconds": durations(Self.latencyBounds)]
        self.factory = factory
    }

    /// Creates a pipeline's series at zero in the registry, so `/metrics` shows them before anything happened (alert
    /// rules using `rate()`, `increase()` or `histogram_quantile()` need the series to exist). `/status` still lists
    /// only counters that moved.
    public func register(pipeline: String) {
        let labels = [("pipeline", pipeline)]
        for name in ["events_received", "events_failed", "events_retried", "events_dead_lettered", "objects_replicated", "objects_deleted", "bytes_replicated"] {
            CoreMetrics.Counter(label: "tandem_replicator_\(name)_total", dimensions: labels, factory: factory).increment(by: 0)
        }
        for name in ["tandem_replicator_copy_seconds", "tandem_replicator_replication_latency_seconds"] {
            _ = CoreMetrics.Timer(label: name, dimensions: labels, factory: factory)
        }
    }

    /// Adds `amount` to a counter.
    public func add(_ name: String, pipeline: String, reason: String? = nil, _ amount: Int = 1) {
        let key = Key(name: name, pipeline: pipeline, reason: reason)
        let counter = lock.withLock {
            counters[key, default: 0] += amount
            if let counter = counterHandles[key] { return counter }
            let counter = CoreMetrics.Counter(label: "tandem_replicator_\(name)_total", dimensions: key.dimensions, factory: factory)
            counterHandles[key] = counter
            return counter
        }
        counter.increment(by: amount)
    }

    /// A counter's value (0 when never touched).
    public func value(_ name: String, pipeline: String, reason: String? = nil) -> Int {
        lock.withLock { counters[Key(name: name, pipeline: pipeline, reason: reason)] ?? 0 }
    }

    /// Sets a gauge (`queue_lag`: events the source holds that the pipeline has not taken yet).
    public func set(_ name: String, pipeline: String, _ value: Int) {
        let key = Key(name: name, pipeline: pipeline)
        let gauge = lock.withLock {
            gauges[key] = value
            if let gauge = gaugeHandles[key] { return gauge }
            let gauge = CoreMetrics.Gauge(label: "tandem_replicator_\(name)", dimensions: key.dimensions, factory: factory)
            gaugeHandles[key] = gauge
            return gauge
        }
        gauge.record(value)
    }

    /// Every gauge, sorted.
    public var gaugeSnapshot: [(Key, Int)] {
        lock.withLock { gauges.sorted { $0.key < $1.key } }
    }

    /// Every counter, sorted.
    public var snapshot: [(Key, Int)] {
        lock.withLock { counters.sorted { $0.key < $1.key } }
    }

    /// Records how long one copy took.
    public func observeCopy(_ duration: Duration, pipeline: String) {
        timer("tandem_replicator_copy_seconds", pipeline: pipeline).recordNanoseconds(Self.nanoseconds(duration))
    }

    /// Records how long a change took from its event's time at the source to landing on the target.
    public func observeReplicationLatency(_ duration: Duration, pipeline: String) {
        timer("tandem_replicator_replication_latency_seconds", pipeline: pipeline).recordNanoseconds(Self.nanoseconds(duration))
    }

    private func timer(_ label: String, pipeline: String) -> CoreMetrics.Timer {
        let key = Key(name: label, pipeline: pipeline)
        return lock.withLock {
            if let timer = timerHandles[key] { return timer }
            let timer = CoreMetrics.Timer(label: label, dimensions: key.dimensions, factory: factory)
            timerHandles[key] = timer
            return timer
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// Everything recorded, in the Prometheus text exposition format.
    public func prometheusText() -> String {
        registry.emitToString()
    }

    /// Records what handling one event did.
    func record(_ result: Pipeline.Result, pipeline: String) {
        switch result {
        case .replicated(let bytes):
            add("objects_replicated", pipeline: pipeline)
            add("bytes_replicated", pipeline: pipeline, bytes)
        case .deleted: add("objects_deleted", pipeline: pipeline)
        case .skipped(let reason): add("events_skipped", pipeline: pipeline, reason: reason)
        }
    }
}
