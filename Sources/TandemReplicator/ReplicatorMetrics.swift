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
