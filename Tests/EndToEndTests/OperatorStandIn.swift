import Foundation
import KubernetesClient
import TandemCore
import TandemTesting

/// What the controllers a real cluster runs would do, played by the test because none runs beside the bare API
/// server here: Rook writing `status` and the Secrets it generates (realm keys, user keys, the RBD bootstrap peer
/// token), the deployment controller and kubelets rolling out a Deployment, the job controller and a kubelet running a
/// Job's pod, and the namespace controller finalizing a namespace being deleted. It polls every 100 ms until stopped.
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
        /// Runs each new Job named by the reference as its pod would: `run` gets the Job and returns the container's
        /// exit status and termination message; a Pod labelled `job-name` records them in its status, and the Job's
        /// status counts it succeeded or failed.
        case runJob(ObjectReference, run: @Sendable (Value) async throws -> (status: Int32, message: String))
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
        case .runJob(let reference, let run):
            guard let job = try await client.get(reference), job["status"]["succeeded"] == .null, job["status"]["failed"] == .null,
                  let namespace = reference.namespace, let uid = job["metadata"]["uid"].stringValue else { return }
            let (status, message) = try await run(job)
            let pod = ObjectReference(apiVersion: "v1", kind: "Pod", namespace: namespace, name: "\(reference.name)-\(uid.prefix(5))")
            var template = job["spec"]["template"]["spec"].mapValue ?? [:]
            template["nodeName"] = .string("stand-in")
            _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("Pod"),
                                             "metadata": .map(["name": .string(pod.name), "namespace": .string(namespace),
                                                               "labels": .map(["job-name": .string(reference.name)])]),
                                             "spec": .map(template)]))
            let now = ISO8601DateFormatter().string(from: Date())
            let terminated: Value = .map(["exitCode": .number(Double(status)), "message": .string(message), "reason": .string(status == 0 ? "Completed" : "Error"),
                                          "startedAt": .string(now), "finishedAt": .string(now)])
            _ = try await client.patchStatus(pod, status: .map([
                "phase": .string(status == 0 ? "Succeeded" : "Failed"),
                "containerStatuses": .list([.map(["name": .string("sync"), "image": .string(""), "imageID": .string(""), "ready": .bool(false),
                                                  "restartCount": .number(0), "state": .map(["terminated": terminated])])]),
            ]))
            _ = try await client.patchStatus(reference, status: .map([status == 0 ? "succeeded" : "failed": .number(1), "startTime": .string(now)]))
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
