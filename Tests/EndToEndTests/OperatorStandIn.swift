import Foundation
import KubernetesClient
import TandemCore
import TandemTesting

/// What the controllers a real cluster runs would do, played by the test because none runs beside the bare API
/// server here: Rook writing `status` and the Secrets it generates (realm keys, user keys, the RBD bootstrap peer
/// token), the deployment controller and kubelets rolling out a Deployment, and the namespace controller finalizing a
/// namespace being deleted. It polls every 100 ms until stopped.
final class OperatorStandIn: Sendable {
    /// One thing an operator does.
    enum Duty: Sendable {
        /// Writes `status` (through the status subresource) once the object exists and has none.
        case status(ObjectReference, Value)
        /// Creates the Secret `secret` (a manifest with `stringData`) once `trigger` exists.
        case secret(after: ObjectReference, secret: Value)
        /// Removes the `kubernetes` finalizer of namespace NAME once it is being deleted.
        case finalizeNamespace(String)
        /// Reports the Deployment rolled out (every replica of its current generation updated, ready and available),
        /// as the deployment controller and kubelets would, whenever its generation moves.
        case rollOut(ObjectReference)
    }

    private let task: Task<Void, Never>

    /// Starts playing `duties` on `cluster`, writing as field manager `operator` (another manager than Tandem).
    init(_ cluster: KubeCluster, duties: [Duty]) throws {
        let access = try KubeconfigLoader.load(path: cluster.adminTokenKubeconfig, environment: [:])
        let client = KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]), fieldManager: "operator")
        task = Task {
            while !Task.isCancelled {
                for duty in duties { try? await Self.perform(duty, client: client, cluster: cluster) }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private static func perform(_ duty: Duty, client: KubernetesClient, cluster: KubeCluster) async throws {
        switch duty {
        case .status(let reference, let status):
            guard let live = try await client.get(reference), live["status"] == .null else { return }
            _ = try await client.patchStatus(reference, status: status)
        case .secret(let trigger, let secret):
            guard try await client.get(trigger) != nil, let reference = ObjectReference(manifest: secret),
                  try await client.get(reference) == nil else { return }
            _ = try await client.apply(secret)
        case .rollOut(let reference):
            guard let live = try await client.get(reference), let generation = live["metadata"]["generation"].numberValue,
                  live["status"]["observedGeneration"].numberValue != generation else { return }
            let replicas = live["spec"]["replicas"].numberValue ?? 1
            _ = try await client.patchStatus(reference, status: .map([
                "observedGeneration": .number(generation), "replicas": .number(replicas), "updatedReplicas": .number(replicas),
                "readyReplicas": .number(replicas), "availableReplicas": .number(replicas),
            ]))
        case .finalizeNamespace(let name):
            guard let live = try await client.get(ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: name)),
                  live["metadata"]["deletionTimestamp"] != .null, live["spec"]["finalizers"] != .null else { return }
            _ = try await cluster.put("/api/v1/namespaces/\(name)/finalize",
                                      json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": name], "spec": ["finalizers": [String]()]])
        }
    }

    /// Stops playing.
    func stop() {
        task.cancel()
    }

    deinit {
        task.cancel()
    }
}
