import Crypto
import Foundation

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

        enum CodingKeys: String, CodingKey { case name, source, target, events, counters, skipped, queueLag = "queue_lag" }
    }

    /// The status of a running replicator.
    static func current(of configuration: ReplicatorConfiguration, metrics: ReplicatorMetrics, ready: Bool) -> ReplicatorStatus {
        let counters = metrics.snapshot, gauges = metrics.gaugeSnapshot
        return ReplicatorStatus(configurationDigest: configuration.digest, ready: ready, pid: getpid(), pipelines: configuration.pipelines.map { pipeline in
            let own = counters.filter { $0.0.pipeline == pipeline.name }
            return Pipeline(
                name: pipeline.name, source: pipeline.source.description, target: pipeline.target.endpoint.description,
                events: pipeline.events.sqs != nil ? "sqs" : pipeline.events.kafka != nil ? "kafka" : "http",
                counters: Dictionary(own.filter { $0.0.reason == nil }.map { ($0.0.name, $0.1) }, uniquingKeysWith: +),
                skipped: Dictionary(own.compactMap { key, value in key.reason.map { ($0, value) } }, uniquingKeysWith: +),
                queueLag: gauges.first { $0.0.pipeline == pipeline.name && $0.0.name == "queue_lag" }?.1)
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
