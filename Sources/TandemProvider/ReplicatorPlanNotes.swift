import TandemCore
import TandemEngine

/// What a planned `tandem_replicator` change does on its cluster (runtime kubernetes and camel-k), object by object,
/// for the plan's notes: which objects are applied or deleted, which pods roll and why. Computed from the planned
/// values alone (names, namespace, kinds), without asking the cluster.
enum ReplicatorPlanNotes {
    /// The attributes that make up the pipeline's configuration (the Secret's content).
    private static let pipelineAttributes = ["listen", "source", "target", "events", "skip_principals", "concurrency", "max_attempts", "retry",
                                             "reconcile_interval", "copy"]
    /// The `kubernetes` settings that shape the workload's pods.
    private static let workloadSettings = ["image", "replicas", "cpu", "memory", "storage_class"]
    /// The `kubernetes` settings of the alerts.
    private static let alertSettings = ["alert_queue_lag", "alert_lag_for", "alert_latency_p99_seconds"]

    /// The notes for `action` from `before` (the state) to `after` (the plan); none for runtime local.
    static func notes(action: ChangeAction, before: Value?, after: Value) -> [String] {
        let runtime = after["runtime"].stringValue ?? "local"
        guard runtime == "kubernetes" || runtime == "camel-k" else { return [] }
        let name = KubernetesReplicatorManifests.objectName(pipeline: after["name"].stringValue ?? "")
        let settings = after["kubernetes"]
        let namespace = settings["namespace"].stringValue.map { "namespace \($0)" } ?? "the provider block's namespace"
        let monitor = settings["monitor"].boolValue ?? true
        let workload = runtime == "camel-k" ? "Integration \(name)" : "\(after["events"]["http"].isNull ? "Deployment" : "StatefulSet") \(name)"
        var objects = ["Secret \(name)-config", workload]
        if runtime == "kubernetes" { objects += ["Service \(name)"] + (monitor ? ["PodMonitor \(name)", "PrometheusRule \(name)-alerts"] : []) }
        switch action {
        case .create, .replace:
            return ["Applies in \(namespace): \(objects.joined(separator: ", "))."]
        case .delete:
            return ["Deletes in \(namespace): \(objects.joined(separator: ", "))\(workload.hasPrefix("StatefulSet") ? ", and the pods' journal volumes" : "")."]
        case .update:
            return updateNotes(before: before ?? .null, after: after, name: name, workload: workload, camelK: runtime == "camel-k")
        default:
            return []
        }
    }

    private static func updateNotes(before: Value, after: Value, name: String, workload: String, camelK: Bool) -> [String] {
        var notes: [String] = []
        let running = after["state"].stringValue != "stopped"
        if pipelineAttributes.contains(where: { before[$0] != after[$0] }) {
            notes.append(camelK ? "Secret \(name)-config and Integration \(name) get the new pipeline; the Camel K operator rebuilds and rolls it."
                                : "Secret \(name)-config gets the new configuration\(running ? "; \(workload) rolls its pods (configuration hash)" : "").")
        } else if before["state"].stringValue == "stale", running {
            notes.append("\(workload) runs another configuration than Secret \(name)-config: its pods roll to it.")
        }
        let changed = { (keys: [String]) in
            keys.filter { before["kubernetes"][$0] != after["kubernetes"][$0] }.map { "\($0) \(show(before["kubernetes"][$0])) -> \(show(after["kubernetes"][$0]))" }
        }
        let podChanges = changed(workloadSettings + (camelK ? ["operator_id"] : []))
        if !podChanges.isEmpty { notes.append("\(workload) changes: \(podChanges.joined(separator: ", ")).") }
        if !camelK {
            switch (before["kubernetes"]["monitor"].boolValue ?? true, after["kubernetes"]["monitor"].boolValue ?? true) {
            case (true, false): notes.append("PodMonitor \(name) and PrometheusRule \(name)-alerts are deleted.")
            case (false, true): notes.append("PodMonitor \(name) and PrometheusRule \(name)-alerts are applied.")
            default:
                let alertChanges = changed(alertSettings)
                if !alertChanges.isEmpty { notes.append("PrometheusRule \(name)-alerts changes: \(alertChanges.joined(separator: ", ")).") }
            }
        }
        switch (before["state"].stringValue == "stopped", running) {
        case (false, false): notes.append("\(workload) scales to no pods.")
        case (true, true): notes.append("\(workload) scales to \(show(after["kubernetes"]["replicas"])) pod(s).")
        default: break
        }
        return notes
    }

    private static func show(_ value: Value) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return Value.format(number: number)
        case .bool(let flag): return String(flag)
        case .null: return "unset"
        case .unknown: return "(known after apply)"
        default: return (try? value.canonicalJSON()) ?? "?"
        }
    }
}
