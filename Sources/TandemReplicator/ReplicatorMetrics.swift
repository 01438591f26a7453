import Foundation

/// Counters of what the replicator did, per pipeline, safe to update from any task; the source of `/metrics`
/// and `tandem replicator status`.
public final class ReplicatorMetrics: @unchecked Sendable {
    /// One counter's identity: its name and labels (pipeline, reason).
    public struct Key: Hashable, Sendable, Comparable {
        /// `events_received`, `events_skipped`, `objects_replicated`, `objects_deleted`, `events_failed`, `bytes_replicated`.
        public var name: String
        /// The pipeline.
        public var pipeline: String
        /// The skip reason, for `events_skipped`.
        public var reason: String?

        /// Orders by name, pipeline, reason.
        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.name, lhs.pipeline, lhs.reason ?? "") < (rhs.name, rhs.pipeline, rhs.reason ?? "")
        }
    }

    private let lock = NSLock()
    private var counters: [Key: Int] = [:]
    private var latencies: [String: Histogram] = [:]
    private var gauges: [Key: Int] = [:]

    /// Copy latencies of one pipeline: cumulative counts per upper bound (seconds), their sum and count.
    public struct Histogram: Sendable, Equatable {
        /// Upper bounds of the buckets, in seconds.
        public static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
        /// Observations at or below each bound (cumulative, as Prometheus wants them).
        public var buckets = [Int](repeating: 0, count: bounds.count)
        /// Sum of all observations, in seconds.
        public var sum = 0.0
        /// Number of observations.
        public var count = 0

        mutating func observe(_ seconds: Double) {
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { buckets[index] += 1 }
            sum += seconds
            count += 1
        }
    }

    /// Creates empty counters.
    public init() {}

    /// Adds `amount` to a counter.
    public func add(_ name: String, pipeline: String, reason: String? = nil, _ amount: Int = 1) {
        lock.withLock { counters[Key(name: name, pipeline: pipeline, reason: reason), default: 0] += amount }
    }

    /// A counter's value (0 when never touched).
    public func value(_ name: String, pipeline: String, reason: String? = nil) -> Int {
        lock.withLock { counters[Key(name: name, pipeline: pipeline, reason: reason)] ?? 0 }
    }

    /// Sets a gauge (`queue_lag`: events the source holds that the pipeline has not taken yet).
    public func set(_ name: String, pipeline: String, _ value: Int) {
        lock.withLock { gauges[Key(name: name, pipeline: pipeline)] = value }
    }

    /// Every gauge, sorted.
    public var gaugeSnapshot: [(Key, Int)] {
        lock.withLock { gauges.sorted { $0.key < $1.key } }
    }

    /// Records how long one copy took.
    public func observeCopy(seconds: Double, pipeline: String) {
        lock.withLock { latencies[pipeline, default: Histogram()].observe(seconds) }
    }

    /// Copy latency histograms by pipeline.
    public var copyLatencies: [String: Histogram] {
        lock.withLock { latencies }
    }

    /// Every counter, sorted.
    public var snapshot: [(Key, Int)] {
        lock.withLock { counters.sorted { $0.key < $1.key } }
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
