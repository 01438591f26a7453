import Foundation
import KubernetesClient
import TandemCore
import TandemEngine
import TandemReplicator

/// `runtime: kubernetes` of a `tandem_migration`: seed 002's Job, made by apply. The sync document (with the keys)
/// goes into a Secret mounted read-only (0400) instead of an rclone.conf; the pod runs `tandem migration run` as a
/// non-root user on a read-only root filesystem with no service account token, writes its outcome as its termination
/// message, and apply waits for the Job and reads the outcome back from the pod's status. Jobs cannot change: each
/// run deletes the previous Job (and its pods) and creates a new one.
struct KubernetesMigrationJob {
    let client: KubernetesClient
    let namespace: String
    /// The Job's name (its Secret is NAME-config).
    let name: String
    let image: String
    let memory: String
    /// How long apply waits for the Job.
    let timeout: Duration

    /// The object name for migration `name`: `tandem-migration-NAME` in DNS label characters.
    static func objectName(_ name: String) -> String {
        "tandem-migration-" + name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    private var labels: Value {
        .map(["app.kubernetes.io/name": .string("tandem-migration"), "app.kubernetes.io/instance": .string(name),
              "app.kubernetes.io/managed-by": .string("tandem")])
    }

    private func reference(_ kind: String, _ apiVersion: String, _ objectName: String) -> ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, namespace: namespace, name: objectName)
    }

    /// Runs `document` as a Job and returns what it did; throws when the Job failed, with its pod's message.
    func run(document: Data, progress: ProgressReporter) async throws -> ObjectSync.Outcome {
        _ = try await client.apply(.map([
            "apiVersion": .string("v1"), "kind": .string("Secret"), "type": .string("Opaque"),
            "metadata": .map(["name": .string(name + "-config"), "namespace": .string(namespace), "labels": labels]),
            "data": .map(["migration.json": .string(document.base64EncodedString())]),
        ]))
        let job = reference("Job", "batch/v1", name)
        if try await client.delete(job) {
            progress("waiting for the previous Job \(namespace)/\(name) to be gone")
            try await client.waitUntilGone(job, timeout: timeout)
        }
        _ = try await client.apply(manifest)
        progress("waiting for Job \(namespace)/\(name) (kubectl logs -n \(namespace) job/\(name) -f)")
        let deadline = ContinuousClock.now + timeout
        while true {
            let live = try await client.get(job)
            if (live?["status"]["succeeded"].numberValue ?? 0) >= 1 { break }
            if (live?["status"]["failed"].numberValue ?? 0) >= 1 {
                throw ProviderError("the Job \(namespace)/\(name) failed: \(try await podMessage() ?? "its pod left no message") "
                                    + "(kubectl logs -n \(namespace) job/\(name))", attributePath: "runtime")
            }
            guard ContinuousClock.now < deadline else {
                throw ProviderError("the Job \(namespace)/\(name) did not finish within \(timeout) (it goes on; apply again to wait for a new run)",
                                    attributePath: "runtime")
            }
            try await Task.sleep(for: .seconds(1))
        }
        guard let message = try await podMessage() else {
            throw ProviderError("the Job \(namespace)/\(name) succeeded but its pod left no outcome (terminationMessagePath)", attributePath: "runtime")
        }
        do {
            return try JSONDecoder().decode(ObjectSync.Outcome.self, from: Data(message.utf8))
        } catch {
            throw ProviderError("the Job \(namespace)/\(name) left an outcome that is not one: \(message.prefix(200))", attributePath: "runtime")
        }
    }

    /// The termination message of the Job's last finished pod.
    private func podMessage() async throws -> String? {
        let pods = try await client.list(apiVersion: "v1", kind: "Pod", namespace: namespace, labelSelector: "job-name=\(name)")
        return pods.compactMap { pod -> (String, String)? in
            guard let terminated = pod["status"]["containerStatuses"].listValue?.first?["state"]["terminated"],
                  let message = terminated["message"].stringValue else { return nil }
            return (terminated["finishedAt"].stringValue ?? "", message)
        }.max { $0.0 < $1.0 }?.1
    }

    /// The Job: one pod, never restarted, the document mounted from the Secret.
    var manifest: Value {
        let container: Value = .map([
            "name": .string("sync"), "image": .string(image),
            "args": .list(["migration", "run", "--config", "/etc/tandem/migration.json", "--outcome", "/dev/termination-log"].map(Value.string)),
            "terminationMessagePath": .string("/dev/termination-log"), "terminationMessagePolicy": .string("File"),
            "resources": .map(["requests": .map(["cpu": .string("500m"), "memory": .string(memory)]), "limits": .map(["memory": .string(memory)])]),
            "securityContext": .map(["runAsNonRoot": .bool(true), "readOnlyRootFilesystem": .bool(true), "allowPrivilegeEscalation": .bool(false),
                                     "capabilities": .map(["drop": .list([.string("ALL")])])]),
            "volumeMounts": .list([.map(["name": .string("configuration"), "mountPath": .string("/etc/tandem"), "readOnly": .bool(true)])]),
        ])
        return .map([
            "apiVersion": .string("batch/v1"), "kind": .string("Job"),
            "metadata": .map(["name": .string(name), "namespace": .string(namespace), "labels": labels]),
            "spec": .map([
                "backoffLimit": .number(0),
                "template": .map([
                    "metadata": .map(["labels": labels]),
                    "spec": .map([
                        "restartPolicy": .string("Never"),
                        "automountServiceAccountToken": .bool(false),
                        "securityContext": .map(["runAsNonRoot": .bool(true), "runAsUser": .number(65532), "runAsGroup": .number(65532)]),
                        "containers": .list([container]),
                        "volumes": .list([.map(["name": .string("configuration"),
                                                "secret": .map(["secretName": .string(name + "-config"), "defaultMode": .number(0o400)])])]),
                    ]),
                ]),
            ]),
        ])
    }

    /// Deletes the Job (its pods with it) and the Secret.
    func remove() async throws {
        try await client.delete(reference("Job", "batch/v1", name))
        try await client.delete(reference("Secret", "v1", name + "-config"))
    }
}
