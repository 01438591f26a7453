import Foundation
import KubernetesClient
import TandemCore
import TandemEngine
import TandemReplicator

/// `runtime: kubernetes`: the replicator runs as a Deployment (a StatefulSet for pushed events, each pod journaling on
/// its own volume) on a cluster, its objects applied by server-side apply as field manager `tandem`
/// (``KubernetesReplicatorManifests``). Readiness and drift come from the workload's status (updated and available
/// replicas for the current generation), since the pods' `/status` is rarely reachable from where `tandem apply` runs.
struct KubernetesReplicatorRuntime: ReplicatorRuntime {
    let client: KubernetesClient
    let settings: KubernetesReplicatorSettings
    /// How long apply waits for the rollout.
    let timeout: Duration

    private func manifests(_ name: String, port: Int) -> KubernetesReplicatorManifests {
        KubernetesReplicatorManifests(settings: settings, name: KubernetesReplicatorManifests.objectName(pipeline: name), pipeline: name, port: port)
    }

    private func reference(_ kind: String, _ apiVersion: String, _ name: String) -> ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, namespace: settings.namespace, name: name)
    }

    /// Bytes a pod's push journal and dead letters hold at most; nil for a pipeline without pushed events.
    static func journalBytes(_ document: Data) throws -> Int? {
        let configuration = try ReplicatorConfiguration.decode(document, path: "the replicator configuration", checked: false)
        return configuration.pipelines.first?.events.http.map {
            ($0.maxJournalBytes ?? PipelineConfiguration.defaultPushFileBytes) + ($0.maxDeadLetterBytes ?? PipelineConfiguration.defaultPushFileBytes)
        }
    }

    func deploy(name: String, configuration: Data, running: Bool, progress: @Sendable (String) -> Void) async throws -> ReplicatorObservation {
        let pod = try PodConfiguration(configuration)
        let document = pod.document
        let objects = manifests(name, port: pod.port)
        let journalBytes = try Self.journalBytes(document)
        _ = try await client.apply(objects.secret(configuration: document, annotations: pod.annotations, also: pod.files))
        let kind = KubernetesReplicatorManifests.workloadKind(journaled: journalBytes != nil)
        // A pipeline that changed between pushed and queued events changes kind: the other workload goes.
        let other = reference(KubernetesReplicatorManifests.workloadKind(journaled: journalBytes == nil), "apps/v1", objects.name)
        if try await client.delete(other) {
            progress("waiting for \(other.kind) \(settings.namespace)/\(objects.name) to be gone (the pipeline now runs as a \(kind))")
            try await client.waitUntilGone(other, timeout: timeout)
        }
        let workload = try await client.apply(try objects.workload(configuration: document, running: running, journalBytes: journalBytes))
        _ = try await client.apply(objects.service)
        if settings.monitor {
            for object in [objects.podMonitor, objects.prometheusRule] {
                let kind = object["kind"].stringValue ?? ""
                guard try await client.resource(apiVersion: "monitoring.coreos.com/v1", kind: kind) != nil else {
                    progress("the cluster does not serve \(kind) (the prometheus-operator CRDs): no \(kind) made; set monitor: false to say so")
                    continue
                }
                _ = try await client.apply(object)
            }
        } else {
            try await deleteMonitoring(objects)
        }
        if running, let reference = ObjectReference(manifest: workload) {
            progress("waiting for \(kind) \(settings.namespace)/\(objects.name) to roll out \(settings.replicas) replica(s)")
            _ = try await client.waitUntilReady(reference, timeout: timeout)
        }
        guard let observed = try await observe(name: name) else { throw ProviderError("the replicator's objects vanished during apply") }
        return observed
    }

    private func deleteMonitoring(_ objects: KubernetesReplicatorManifests) async throws {
        for (kind, objectName) in [("PrometheusRule", objects.name + "-alerts"), ("PodMonitor", objects.name)] {
            // Without the prometheus-operator CRDs there is nothing to delete.
            do { try await client.delete(reference(kind, "monitoring.coreos.com/v1", objectName)) } catch is KubernetesUnknownKindError {}
        }
    }

    func observe(name: String) async throws -> ReplicatorObservation? {
        let objectName = KubernetesReplicatorManifests.objectName(pipeline: name)
        guard let secret = try await client.get(reference("Secret", "v1", objectName + "-config")),
              let encoded = secret["data"]["replicator.json"].stringValue, let document = Data(base64Encoded: encoded) else { return nil }
        var configuration = try ReplicatorConfiguration.decode(document, path: "Secret \(settings.namespace)/\(objectName)-config", checked: false)
        PodConfiguration.restore(&configuration, annotations: secret["metadata"]["annotations"])
        let kind = KubernetesReplicatorManifests.workloadKind(journaled: try Self.journalBytes(document) != nil)
        var observation = ReplicatorObservation(state: "stopped", configuration: configuration, pid: nil,
                                                configurationPath: "Secret \(settings.namespace)/\(objectName)-config",
                                                logPath: "kubectl logs -n \(settings.namespace) \(kind.lowercased())/\(objectName)")
        observation.endpoint = manifests(name, port: configuration.listen.split(separator: ":").last.flatMap { Int($0) } ?? 0).endpoint
        guard let workload = try await client.get(reference(kind, "apps/v1", objectName)) else { return observation }
        observation.kubernetes = observedSettings(workload)
        guard (workload["spec"]["replicas"].numberValue ?? 0) > 0 else { return observation }
        let deployedHash = workload["spec"]["template"]["metadata"]["annotations"][KubernetesReplicatorManifests.hashAnnotation].stringValue
        if deployedHash != KubernetesReplicatorManifests.hash(document) || PodConfiguration.caBundlesChanged(secret) {
            observation.state = "stale"
        } else {
            observation.state = Readiness(apiVersion: "apps/v1", kind: kind).isReady(workload) ? "running" : "starting"
        }
        return observation
    }

    /// The settings as deployed: those recorded on the workload, with its live image and (when running) replicas.
    private func observedSettings(_ workload: Value) -> Value {
        guard let text = workload["metadata"]["annotations"][KubernetesReplicatorManifests.settingsAnnotation].stringValue,
              case .map(var recorded)? = try? Value(jsonString: text) else { return .null }
        if let image = workload["spec"]["template"]["spec"]["containers"].listValue?.first?["image"].stringValue { recorded["image"] = .string(image) }
        if let replicas = workload["spec"]["replicas"].numberValue, replicas > 0 { recorded["replicas"] = .number(replicas) }
        return .map(recorded)
    }

    /// Each pod's `/status`, through the API server's pod proxy (a workstation has no route to the pods; a Service
    /// proxy would show one pod of several). Needs `list pods` and `get pods/proxy` in the namespace.
    func status(name: String, listen: String) async -> [ReplicatorStatusAnswer] {
        let objectName = KubernetesReplicatorManifests.objectName(pipeline: name), namespace = settings.namespace
        let port = listen.split(separator: ":").last.flatMap { Int($0) } ?? 0
        let pods: [Value]
        do {
            pods = try await client.list(apiVersion: "v1", kind: "Pod", namespace: namespace,
                                         labelSelector: "app.kubernetes.io/name=tandem-replicator,app.kubernetes.io/instance=\(objectName)")
        } catch let error as KubernetesAPIError where error.statusCode == 403 {
            return [ReplicatorStatusAnswer(endpoint: "\(objectName) in \(namespace)", error: "you may not list its pods (RBAC: list pods in \(namespace)): \(error.message)")]
        } catch {
            return [ReplicatorStatusAnswer(endpoint: "\(objectName) in \(namespace)", error: "\(error)")]
        }
        guard !pods.isEmpty else {
            return [ReplicatorStatusAnswer(endpoint: "\(objectName) in \(namespace)", error: "no pods (kubectl get pods -n \(namespace) -l app.kubernetes.io/instance=\(objectName))")]
        }
        var answers: [ReplicatorStatusAnswer] = []
        for pod in pods.compactMap({ $0["metadata"]["name"].stringValue }).sorted() {
            let endpoint = "pod \(namespace)/\(pod):\(port) through the API server"
            do {
                let body = try await client.proxyGet(pod: pod, namespace: namespace, port: port, path: "/status")
                answers.append(ReplicatorStatusAnswer(endpoint: endpoint, status: try JSONDecoder().decode(ReplicatorStatus.self, from: Data(body))))
            } catch let error as KubernetesAPIError where error.statusCode == 403 {
                answers.append(ReplicatorStatusAnswer(endpoint: endpoint, error: "you may not use the pod proxy (RBAC: get pods/proxy in \(namespace)): \(error.message)"))
            } catch {
                answers.append(ReplicatorStatusAnswer(endpoint: endpoint, error: "\(error)"))
            }
        }
        return answers
    }

    func remove(name: String, progress: @Sendable (String) -> Void) async throws {
        let objects = manifests(name, port: 0)
        try await deleteMonitoring(objects)
        try await client.delete(reference("Service", "v1", objects.name))
        for kind in ["Deployment", "StatefulSet"] {
            let workload = reference(kind, "apps/v1", objects.name)
            if try await client.delete(workload) {
                progress("waiting for \(kind) \(settings.namespace)/\(objects.name) to be gone")
                try await client.waitUntilGone(workload, timeout: timeout)
            }
        }
        // A StatefulSet leaves its pods' volumes behind; the journals on them die with the replicator.
        for claim in try await client.list(apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: settings.namespace,
                                           labelSelector: "app.kubernetes.io/name=tandem-replicator,app.kubernetes.io/instance=\(objects.name)") {
            guard let claimName = claim["metadata"]["name"].stringValue else { continue }
            try await client.delete(reference("PersistentVolumeClaim", "v1", claimName))
        }
        try await client.delete(reference("Secret", "v1", objects.name + "-config"))
    }
}
