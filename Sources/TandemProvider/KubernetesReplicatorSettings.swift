import TandemCore
import TandemEngine

/// The `kubernetes` block of a `tandem_replicator` with `runtime: kubernetes` or `runtime: camel-k`: where and how
/// its pods run.
struct KubernetesReplicatorSettings: Sendable, Equatable {
    /// Alert thresholds.
    struct Alerts: Sendable, Equatable {
        var queueLag = 1000
        var lagFor = "15m"
        var latencyP99Seconds = 300.0
    }

    /// runtime kubernetes: the image with the tandem binary (Camel K's operator builds its own).
    var image: String?
    /// runtime camel-k: the Camel K operator that runs the Integration (`camel.apache.org/operator.id`).
    var operatorID: String?
    var namespace: String
    var replicas: Int
    var cpu: String
    var memory: String
    var monitor: Bool
    /// The StorageClass of push pipelines' journal volumes (the cluster's default when nil).
    var storageClass: String?
    var alerts: Alerts

    /// The schema of the block.
    static var attribute: AttributeSchema {
        AttributeSchema(.object([
            "image": AttributeSchema(.string, .optional,
                                     description: "runtime kubernetes (required): the image with the tandem binary (see the Containerfile), e.g. registry.example/tandem:1.0."),
            "operator_id": AttributeSchema(.string, .optional,
                                           description: "runtime camel-k: the Camel K operator that runs the Integration (its operator.id, default camel-k)."),
            "namespace": AttributeSchema(.string, .optionalComputed, description: "Where the objects go; the provider block's namespace, else the context's."),
            "replicas": AttributeSchema(.number, .optional, defaultValue: .number(1),
                                        description: "Pods sharing the pipeline (SQS and Kafka split the work; with http pushes each pod journals on a volume of its own)."),
            "cpu": AttributeSchema(.string, .optional, defaultValue: .string("100m"), description: "CPU requested per pod."),
            "memory": AttributeSchema(.string, .optional, defaultValue: .string("256Mi"), description: "Memory requested and limit per pod."),
            "storage_class": AttributeSchema(.string, .optional,
                                             description: "events.http: the StorageClass of each pod's journal volume (the cluster's default when unset)."),
            "monitor": AttributeSchema(.bool, .optional, defaultValue: .bool(true),
                                       description: "Create a PodMonitor and a PrometheusRule with the alerts (needs the prometheus-operator CRDs); "
                                        + "runtime camel-k: the prometheus trait's PodMonitor."),
            "alert_queue_lag": AttributeSchema(.number, .optional, defaultValue: .number(1000), description: "Events behind above which TandemReplicatorQueueLag fires."),
            "alert_lag_for": AttributeSchema(.string, .optional, defaultValue: .string("15m"), description: "For how long the lag must last."),
            "alert_latency_p99_seconds": AttributeSchema(.number, .optional, defaultValue: .number(300),
                                                         description: "Replication latency p99 above which TandemReplicatorLatencyHigh fires."),
        ]), .optional, description: "runtime kubernetes or camel-k: image or operator, namespace, replicas, resources, monitoring.")
    }

    /// The settings of `block` (the resource's `kubernetes` value), the namespace defaulting to `defaultNamespace`.
    init(_ block: Value, defaultNamespace: String) {
        image = block["image"].stringValue
        operatorID = block["operator_id"].stringValue
        namespace = block["namespace"].stringValue ?? defaultNamespace
        replicas = block["replicas"].numberValue.map { Int($0) } ?? 1
        cpu = block["cpu"].stringValue ?? "100m"
        memory = block["memory"].stringValue ?? "256Mi"
        monitor = block["monitor"].boolValue ?? true
        storageClass = block["storage_class"].stringValue
        alerts = Alerts(queueLag: block["alert_queue_lag"].numberValue.map { Int($0) } ?? 1000, lagFor: block["alert_lag_for"].stringValue ?? "15m",
                        latencyP99Seconds: block["alert_latency_p99_seconds"].numberValue ?? 300)
    }

    /// The block as the resource's attribute (all settings, the namespace resolved).
    var value: Value {
        .map(["image": image.map(Value.string) ?? .null, "operator_id": operatorID.map(Value.string) ?? .null, "namespace": .string(namespace), "replicas": .number(Double(replicas)), "cpu": .string(cpu),
              "memory": .string(memory), "monitor": .bool(monitor), "storage_class": storageClass.map(Value.string) ?? .null, "alert_queue_lag": .number(Double(alerts.queueLag)),
              "alert_lag_for": .string(alerts.lagFor), "alert_latency_p99_seconds": .number(alerts.latencyP99Seconds)])
    }
}
