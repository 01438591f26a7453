import AWSClient
import ChildProcess
import Foundation
import KubernetesClient
import Testing
import TandemCore
import TandemTesting

/// `tandem_migration` with `runtime: kubernetes` on the real kube-apiserver: apply makes the Secret and the Job and
/// waits; no job controller or kubelet runs here, so the test plays them (``OperatorStandIn/Duty/runJob(_:run:)``) by
/// running the Job's own command, `tandem migration run`, with the document read from the Job's Secret, and writing
/// the pod's termination message and the Job's status. The copy itself is real: moto -> radosgw.
@Suite(.serialized) struct KubernetesMigrationEndToEndTests {
    @Test func aMigrationRunsAsAJobWhoseOutcomeApplyRecords() async throws {
        let cluster = try await KubeCluster.shared()
        let ceph = try await CephCluster.shared()
        let moto = try await MotoServer.shared()
        let access = try KubeconfigLoader.load(path: cluster.adminTokenKubeconfig, environment: [:])
        let client = KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]), fieldManager: "test")
        let namespace = "migration-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .map(["name": .string(namespace)])]))
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
                                         "metadata": .map(["name": .string("default"), "namespace": .string(namespace)])]))
        let job = ObjectReference(apiVersion: "batch/v1", kind: "Job", namespace: namespace, name: "tandem-migration-minio")
        let secret = ObjectReference(apiVersion: "v1", kind: "Secret", namespace: namespace, name: "tandem-migration-minio-config")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-k8s-migration-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pod = try OperatorStandIn(cluster, duties: [.runJob(job) { _ in
            // The pod's command, on this machine, with the document its Secret mounts.
            guard let document = try await client.get(secret)?["data"]["migration.json"].stringValue.flatMap({ Data(base64Encoded: $0) }) else {
                return (1, "the stand-in found no document in the Secret")
            }
            FileManager.default.createFile(atPath: directory + "/migration.json", contents: document, attributes: [.posixPermissions: 0o600])
            let run = try await ChildProcess.run([TandemBinary.path, "migration", "run", "--config", directory + "/migration.json",
                                                  "--outcome", directory + "/termination-log"], environment: ["PATH": "/usr/bin:/bin"])
            return (run.status, (try? String(contentsOfFile: directory + "/termination-log", encoding: .utf8)) ?? "")
        }])
        defer { pod.stop() }

        try await moto.withFreshState {
            let run = UUID().uuidString.prefix(6).lowercased()
            let source = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            let rgw = S3Client(configuration: ceph.configuration(), transport: ceph.transport)
            try await source.createBucket("minio-\(run)", locationConstraint: nil)
            try await rgw.createBucket("rgw-\(run)", locationConstraint: nil)
            for index in 0..<3 { try await source.putObject(bucket: "minio-\(run)", key: "k\(index)", body: Array("object \(index)".utf8), contentType: nil) }
            let sourceSecret = "minio-secret-\(run)"  // moto takes any secret
            let keys = try #require(ceph.adminCredentials)
            let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
            func configure(bucket: String) throws {
                try """
                providers:
                  tandem: {kubeconfig: "\(cluster.adminTokenKubeconfig)", namespace: \(namespace)}
                resources:
                  tandem_migration.minio:
                    name: minio
                    runtime: kubernetes
                    kubernetes: {image: "registry.example/tandem:1.0"}
                    source: {endpoint: "\(moto.endpoint)", bucket: \(bucket), access_key: testing, secret_key: \(sourceSecret)}
                    target: {endpoint: "\(try #require(ceph.endpoint))", bucket: rgw-\(run), access_key: \(keys.accessKeyID), secret_key: \(keys.secretAccessKey)}
                outputs:
                  last_run: {value: "${tandem_migration.minio.last_run}"}
                """.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            }

            try configure(bucket: "minio-\(run)")
            let apply = try await tandem.run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(apply.stdout.contains("waiting for Job \(namespace)/tandem-migration-minio"), "\(apply.stdout)")
            #expect(!(apply.stdout + apply.stderr).contains(sourceSecret))
            let output = try await tandem.run(["output", "--json", "last_run"])
            let record = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
            #expect(record["copied"] as? Double == 3 && record["examined"] as? Double == 3, "\(record)")
            #expect(try await rgw.listObjectKeys(bucket: "rgw-\(run)") == ["k0", "k1", "k2"])

            // The keys are in the Secret, mounted read-only, never in the Job; the pod runs unprivileged.
            let live = try #require(try await client.get(job))
            let spec = try live["spec"]["template"]["spec"].canonicalJSON()
            #expect(!spec.contains(sourceSecret) && !spec.contains(keys.secretAccessKey))
            #expect(live["spec"]["template"]["spec"]["volumes"].listValue?.first?["secret"]["defaultMode"].numberValue == 0o400)
            #expect(live["spec"]["template"]["spec"]["automountServiceAccountToken"] == .bool(false))
            #expect(live["spec"]["backoffLimit"].numberValue == 0)

            // A run that fails fails the apply with the pod's message, and the last record stays.
            try configure(bucket: "no-such-bucket-\(run)")
            let failed = try await tandem.run(["apply", "--auto-approve"])
            #expect(failed.exitCode == 1 && failed.stderr.contains("the Job \(namespace)/tandem-migration-minio failed") && failed.stderr.contains("NoSuchBucket"),
                    "\(failed.stdout)\n\(failed.stderr)")

            try configure(bucket: "minio-\(run)")
            let destroy = try await tandem.run(["destroy", "--auto-approve"])
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            #expect(try await client.get(secret) == nil)
        }
    }
}
