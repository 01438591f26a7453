import Crypto
import Foundation
import TandemCore

/// What `GET /status` answers: which configuration the process runs, whether it is ready, and each pipeline's
/// counters. `tandem replicator status` prints it; the `tandem_replicator` resource compares the digest with the
/// configuration it wrote, to tell a replicator that runs an old configuration.
public struct ReplicatorStatus: Codable, Sendable, Equatable {
    /// `ReplicatorConfiguration.digest` of the configuration the process loaded.
    public var configurationDigest: String
    /// Every event source has started.
    public var ready: Bool
    /// The process id.
    public var pid: Int32
    /// The pipelines.
    public var pipelines: [Pipeline]

    enum CodingKeys: String, CodingKey { case ready, pid, pipelines, configurationDigest = "configuration_digest" }

    /// One pipeline's description (no secrets) and counters.
    public struct Pipeline: Codable, Sendable, Equatable {
        /// The pipeline's name.
        public var name: String
        /// `bucket at endpoint (key AKID…)`.
        public var source: String
        /// The same for the target.
        public var target: String
        /// `sqs`, `kafka` or `http`.
        public var events: String
        /// Counters by name (`events_received`, `objects_replicated`, ...).
        public var counters: [String: Int]
        /// Skipped events by reason.
        public var skipped: [String: Int]
        /// Events the source holds that were not taken yet, when the source tells it.
        public var queueLag: Int?
        /// Why the pipeline cannot work normally and needs attention (`journal full`, `dead-letter file full`); nil when
        /// it can.
        public var degraded: String?
        /// The reconciles of source and target; nil before the first one started.
        public var reconcile: Reconcile?

        enum CodingKeys: String, CodingKey {
            case name, source, target, events, counters, skipped, degraded, reconcile, queueLag = "queue_lag"
        }
    }

    /// Where a pipeline's reconciles are.
    public struct Reconcile: Codable, Sendable, Equatable {
        /// A reconcile runs now.
        public var running: Bool
        /// When the current or last reconcile started (ISO 8601).
        public var lastStarted: String?
        /// When the last reconcile finished (ISO 8601); nil while the first one runs.
        public var lastFinished: String?
        /// Objects the current or last reconcile compared so far.
        public var compared: Int
        /// Objects it copied so far.
        public var copied: Int
        /// Objects whose copy failed in it.
        public var failed: Int
        /// Reconciles started since the process started.
        public var runs: Int
        /// Failed copies and failed runs since the process started.
        public var errors: Int

        enum CodingKeys: String, CodingKey {
            case running, compared, copied, failed, runs, errors, lastStarted = "last_started", lastFinished = "last_finished"
        }
    }

    /// The status of a running replicator.
    static func current(of configuration: ReplicatorConfiguration, metrics: ReplicatorMetrics, ready: Bool) -> ReplicatorStatus {
        let counters = metrics.snapshot, gauges = metrics.gaugeSnapshot
        return ReplicatorStatus(configurationDigest: configuration.digest, ready: ready, pid: getpid(), pipelines: configuration.pipelines.map { pipeline in
            let own = counters.filter { $0.0.pipeline == pipeline.name }
            let gauge = { (name: String) in gauges.first { $0.0.pipeline == pipeline.name && $0.0.name == name }?.1 }
            let counter = { (name: String) in own.first { $0.0.name == name && $0.0.reason == nil }?.1 ?? 0 }
            let degraded = [gauge("journal_full") == 1 ? "journal full" : nil, gauge("dead_letter_full") == 1 ? "dead-letter file full" : nil]
                .compactMap { $0 }
            let timestamp = { (name: String) in
                gauge(name).map { Date(timeIntervalSince1970: TimeInterval($0)).rfc3339 }
            }
            let reconcile = gauge("reconcile_running").map { running in
                Reconcile(running: running == 1, lastStarted: timestamp("reconcile_last_started_timestamp_seconds"),
                          lastFinished: timestamp("reconcile_last_finished_timestamp_seconds"),
                          compared: gauge("reconcile_last_compared") ?? 0, copied: gauge("reconcile_last_copied") ?? 0,
                          failed: gauge("reconcile_last_failed") ?? 0, runs: counter("reconcile_runs"), errors: counter("reconcile_errors"))
            }
            return Pipeline(
                name: pipeline.name, source: pipeline.source.description, target: pipeline.target.endpoint.description,
                events: pipeline.events.sqs != nil ? "sqs" : pipeline.events.kafka != nil ? "kafka" : "http",
                counters: Dictionary(own.filter { $0.0.reason == nil }.map { ($0.0.name, $0.1) }, uniquingKeysWith: +),
                skipped: Dictionary(own.compactMap { key, value in key.reason.map { ($0, value) } }, uniquingKeysWith: +),
                queueLag: gauge("queue_lag"), degraded: degraded.isEmpty ? nil : degraded.joined(separator: ", "), reconcile: reconcile)
        })
    }
}

extension ReplicatorConfiguration {
    /// SHA-256 of the configuration in canonical JSON (sorted keys): equal for equal configurations however the
    /// file was formatted.
    public var digest: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
