import TandemCore

/// The alerts of one replicator pipeline, as a PrometheusRule group: seed 000's Camel K alerts rewritten for the
/// replicator's own metrics (`tandem_replicator_*`, scraped by the PodMonitor, which adds `namespace` and `pod`).
struct ReplicatorAlerts {
    /// The pipeline (the `pipeline` label of every metric).
    let pipeline: String
    /// The namespace its pods run in.
    let namespace: String
    /// The pods' name prefix (the Deployment's name).
    let podPrefix: String
    /// Thresholds.
    let settings: KubernetesReplicatorSettings.Alerts

    private var selector: String { #"namespace="\#(namespace)",pipeline="\#(pipeline)""# }

    /// One rule.
    private func rule(_ alert: String, _ expression: String, for duration: String, severity: String, summary: String) -> Value {
        .map(["alert": .string(alert), "expr": .string(expression), "for": .string(duration),
              "labels": .map(["severity": .string(severity), "pipeline": .string(pipeline)]),
              "annotations": .map(["summary": .string(summary)])])
    }

    /// The rule group.
    var group: Value {
        .map(["name": .string("tandem-replicator-\(pipeline)"), "rules": .list([
            rule("TandemReplicatorDown", #"absent(up{namespace="\#(namespace)",pod=~"\#(podPrefix)-.*"} == 1)"#, for: "5m", severity: "critical",
                 summary: "No replicator of pipeline \(pipeline) is up"),
            rule("TandemReplicatorFailuresRising", "sum(rate(tandem_replicator_events_failed_total{\(selector)}[5m])) > 0.1", for: "10m",
                 severity: "warning", summary: "Replication of pipeline \(pipeline) keeps failing"),
            rule("TandemReplicatorDeadLetters", "sum(increase(tandem_replicator_events_dead_lettered_total{\(selector)}[15m])) > 0", for: "0m",
                 severity: "critical", summary: "Pipeline \(pipeline) gave up on events (dead-lettered)"),
            rule("TandemReplicatorQueueLag", "max(tandem_replicator_queue_lag{\(selector)}) > \(settings.queueLag)", for: settings.lagFor,
                 severity: "warning", summary: "Pipeline \(pipeline) is more than \(settings.queueLag) events behind"),
            rule("TandemReplicatorLatencyHigh",
                 "histogram_quantile(0.99, sum(rate(tandem_replicator_replication_latency_seconds_bucket{\(selector)}[5m])) by (le)) > \(Value.format(number: settings.latencyP99Seconds))",
                 for: "10m", severity: "warning", summary: "Replication latency p99 of pipeline \(pipeline) is above \(Value.format(number: settings.latencyP99Seconds)) s"),
        ])])
    }

    /// The metric names the rules read (each must be one the replicator exports).
    static let metricNames = ["up", "tandem_replicator_events_failed_total", "tandem_replicator_events_dead_lettered_total",
                              "tandem_replicator_queue_lag", "tandem_replicator_replication_latency_seconds_bucket"]
}
