import Foundation
import KubernetesClient
import TandemCore
import TandemEngine
import TandemReplicator

/// `runtime: camel-k`: the pipeline runs as a Camel K Integration (``CamelKIntegration``) for teams whose clusters
/// already run the Camel K operator, applied with its Secret by server-side apply as field manager `tandem`. The
/// operator builds the image and runs the pods; readiness is the Integration's phase `Running`. Drift: the Secret
/// keeps the pipeline's configuration, and an Integration whose `spec` no longer holds what that configuration
/// renders (edited around Tandem) reads back as `stale`, so the next plan puts it back.
struct CamelKReplicatorRuntime: ReplicatorRuntime {
    let client: KubernetesClient
    let settings: KubernetesReplicatorSettings
    /// How long apply waits for the Integration to run.
    let timeout: Duration

    private func objects(_ name: String) -> KubernetesReplicatorManifests {
        KubernetesReplicatorManifests(settings: settings, name: KubernetesReplicatorManifests.objectName(pipeline: name), pipeline: name, port: 0)
    }

    private func reference(_ kind: String, _ apiVersion: String, _ name: String) -> ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, namespace: settings.namespace, name: name)
    }

    private func integration(_ name: String, configuration: ReplicatorConfiguration, running: Bool) throws -> CamelKIntegration {
        guard let pipeline = configuration.pipelines.first else { throw ProviderError("the replicator configuration has no pipeline") }
        return CamelKIntegration(pipeline: pipeline, settings: settings, name: KubernetesReplicatorManifests.objectName(pipeline: name), running: running)
    }

    func deploy(name: String, configuration: Data, running: Bool, progress: @Sendable (String) -> Void) async throws -> ReplicatorObservation {
        guard try await client.resource(apiVersion: "camel.apache.org/v1", kind: "Integration") != nil else {
            throw ProviderError("runtime camel-k: the cluster does not serve camel.apache.org/v1 Integration (install the Camel K operator and its CRDs)",
                                attributePath: "runtime")
        }
        let decoded = try ReplicatorConfiguration.decode(configuration, path: "the replicator configuration", checked: false)
        let rendered = try integration(name, configuration: decoded, running: running)
        let objects = objects(name)
        _ = try await client.apply(objects.secret(configuration: configuration, also: rendered.secretKeys))
        // Forced: the Integration is wholly made from the pipeline, so fields someone edited around Tandem (which the
        // plan showed as drift) are taken back.
        let applied = try await client.apply(try rendered.integration(objects: objects, configurationHash: KubernetesReplicatorManifests.hash(configuration)),
                                             force: true)
        if running, let reference = ObjectReference(manifest: applied) {
            progress("waiting for Integration \(settings.namespace)/\(objects.name) to be Running (built and started by the Camel K operator)")
            _ = try await client.waitUntilReady(reference, timeout: timeout)
        }
        guard let observed = try await observe(name: name) else { throw ProviderError("the replicator's objects vanished during apply") }
        return observed
    }

    func observe(name: String) async throws -> ReplicatorObservation? {
        let objects = objects(name)
        let secretName = objects.name + "-config"
        guard let secret = try await client.get(reference("Secret", "v1", secretName)),
              let encoded = secret["data"]["replicator.json"].stringValue, let document = Data(base64Encoded: encoded) else { return nil }
        let configuration = try ReplicatorConfiguration.decode(document, path: "Secret \(settings.namespace)/\(secretName)", checked: false)
        var observation = ReplicatorObservation(state: "stopped", configuration: configuration, pid: nil,
                                                configurationPath: "Secret \(settings.namespace)/\(secretName)",
                                                logPath: "kubectl logs -n \(settings.namespace) -l camel.apache.org/integration=\(objects.name)")
        observation.endpoint = ""
        guard try await client.resource(apiVersion: "camel.apache.org/v1", kind: "Integration") != nil,
              let live = try await client.get(reference("Integration", "camel.apache.org/v1", objects.name)) else { return observation }
        if let text = live["metadata"]["annotations"][KubernetesReplicatorManifests.settingsAnnotation].stringValue, let recorded = try? Value(jsonString: text) {
            observation.kubernetes = recorded
        }
        let replicas = live["spec"]["replicas"].numberValue ?? 1
        guard replicas > 0 else { return observation }
        let expected = try integration(name, configuration: configuration, running: true).spec
        if live["metadata"]["annotations"][KubernetesReplicatorManifests.hashAnnotation].stringValue != KubernetesReplicatorManifests.hash(document)
            || !Self.holds(live["spec"], expected, except: "replicas") {
            observation.state = "stale"
        } else {
            observation.state = Readiness(apiVersion: "camel.apache.org/v1", kind: "Integration").isReady(live) ? "running" : "starting"
        }
        return observation
    }

    /// True when `live` has every field `expected` has, with the same value (lists item by item); the server may add
    /// defaults around them.
    static func holds(_ live: Value, _ expected: Value, except ignored: String? = nil) -> Bool {
        switch expected {
        case .map(let fields):
            return fields.allSatisfy { key, value in key == ignored || holds(live[key], value) }
        case .list(let items):
            guard let liveItems = live.listValue, liveItems.count == items.count else { return false }
            return zip(liveItems, items).allSatisfy { holds($0, $1) }
        default:
            return live == expected
        }
    }

    /// Camel's pods serve its health and metrics, not Tandem's `/status`: the Integration's phase stands for it.
    func status(name: String, listen: String) async -> [ReplicatorStatusAnswer] {
        let objectName = KubernetesReplicatorManifests.objectName(pipeline: name)
        let endpoint = "Integration \(settings.namespace)/\(objectName)"
        do {
            guard let live = try await client.get(reference("Integration", "camel.apache.org/v1", objectName)) else {
                return [ReplicatorStatusAnswer(endpoint: endpoint, error: "no such Integration")]
            }
            let phase = live["status"]["phase"].stringValue ?? "not yet reported"
            return [ReplicatorStatusAnswer(endpoint: endpoint, ready: phase == "Running",
                                           error: "runtime camel-k: phase \(phase); Camel's pods serve no /status (counters: its PodMonitor's metrics)")]
        } catch {
            return [ReplicatorStatusAnswer(endpoint: endpoint, error: "\(error)")]
        }
    }

    func remove(name: String, progress: @Sendable (String) -> Void) async throws {
        let objects = objects(name)
        let integration = reference("Integration", "camel.apache.org/v1", objects.name)
        do {
            if try await client.delete(integration) {
                progress("waiting for Integration \(settings.namespace)/\(objects.name) to be gone")
                try await client.waitUntilGone(integration, timeout: timeout)
            }
        } catch is KubernetesUnknownKindError {}
        try await client.delete(reference("Secret", "v1", objects.name + "-config"))
    }
}
