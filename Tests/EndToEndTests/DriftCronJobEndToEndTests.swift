import AWSClient
import ChildProcess
import Foundation
import KubernetesClient
import TandemCore
import Testing
import TandemTesting

/// `examples/drift-cronjob` applied by the built binary to a real kube-apiserver, and its job's command run as the
/// CronJob would run it: no kubelet runs on the test API server, so the test takes the CronJob's arguments, the
/// ConfigMap's files and the Secret's environment from the API server and runs them with the built binary against the
/// stack applied on moto (S3 backend), then checks the metrics it writes and the alerting rules with promtool.
@Suite(.serialized) struct DriftCronJobEndToEndTests {
    private func client(_ cluster: KubeCluster) throws -> KubernetesClient {
        let access = try KubeconfigLoader.load(path: cluster.adminTokenKubeconfig, environment: [:])
        return KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]), fieldManager: "test")
    }

    @Test func theJobsOwnCommandReportsDriftAndTheRulesPassPromtool() async throws {
        let cluster = try await KubeCluster.shared()
        let kubernetes = try client(cluster)
        let moto = try await MotoServer.shared()
        let namespace = "drift-\(UUID().uuidString.prefix(6).lowercased())"
        let namespaceController = try OperatorStandIn(cluster, duties: [.finalizeNamespace(namespace)])
        defer { namespaceController.stop() }
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "eu-west-1"), transport: moto.transport)
            try await s3.createBucket("tandem-state", locationConstraint: "eu-west-1")
            let awsEnvironment = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL": moto.endpoint]

            // The stack, applied from a workstation: its state goes to the S3 backend.
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-drift-job-\(UUID())").path
            try FileManager.default.copyItem(atPath: TandemBinary.repositoryRoot + "/examples/drift-cronjob", toPath: work)
            defer { try? FileManager.default.removeItem(atPath: work) }
            // The test empties its buckets on destroy; the example leaves that choice to its user.
            let stackFile = work + "/stack/main.tandem.yaml"
            try String(contentsOfFile: stackFile, encoding: .utf8).replacingOccurrences(of: "versioning: Enabled}", with: "versioning: Enabled, force_destroy: true}")
                .write(toFile: stackFile, atomically: true, encoding: .utf8)
            let base = ["PATH": "/usr/bin:/bin", "HOME": work, "NO_COLOR": "1"]
            let stack = TandemBinary(directory: work + "/stack", environment: base.merging(awsEnvironment) { $1 })
            let applied = try await stack.run(["apply", "--auto-approve"])
            #expect(applied.exitCode == 0, "\(applied.stdout)\n\(applied.stderr)")
            try await s3.putObject(bucket: "drift-job-source", key: "reports/q4.csv", body: Array("a,b\n".utf8), contentType: nil)

            // The job, applied to the cluster.
            let variables: [String: Any] = ["kubeconfig": cluster.adminTokenKubeconfig, "namespace": namespace, "cronjob_api_version": "batch/v1beta1",
                                            "aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_endpoint_url": moto.endpoint]
            try JSONSerialization.data(withJSONObject: variables).write(to: URL(fileURLWithPath: work + "/test.vars.yaml"))
            let example = TandemBinary(directory: work, environment: base)
            let apply = try await example.run(["apply", "--auto-approve", "--var-file", "test.vars.yaml"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(!apply.stdout.contains("testing\"") , "the keys are not shown")
            #expect(try await example.run(["plan", "--detailed-exitcode", "--var-file", "test.vars.yaml"]).exitCode == 0, "a second plan is quiet")

            // What the CronJob would run, from what the API server holds.
            let cronJob = try #require(try await kubernetes.get(ObjectReference(apiVersion: "batch/v1beta1", kind: "CronJob", namespace: namespace, name: "tandem-drift-replication")))
            let pod = cronJob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            let arguments = (pod["initContainers"].listValue?.first?["args"].listValue ?? []).compactMap(\.stringValue)
            #expect(arguments.first == "drift" && arguments.contains("--succeed-on-drift"))
            #expect(pod["securityContext"]["runAsNonRoot"] == .bool(true))
            let configMap = try #require(try await kubernetes.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "tandem-stack-replication")))
            let mounted = work + "/mounted-stack", export = work + "/export"
            for directory in [mounted, export] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            for (name, text) in configMap["data"].mapValue ?? [:] { try (text.stringValue ?? "").write(toFile: mounted + "/" + name, atomically: true, encoding: .utf8) }
            let secret = try #require(try await kubernetes.get(ObjectReference(apiVersion: "v1", kind: "Secret", namespace: namespace, name: "tandem-drift-credentials")))
            let secretEnvironment = (secret["data"].mapValue ?? [:]).compactMapValues { $0.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
            #expect(secretEnvironment["AWS_ENDPOINT_URL"] == moto.endpoint)
            let localArguments = arguments.map { $0.replacingOccurrences(of: "/stack", with: mounted).replacingOccurrences(of: "/export", with: export) }
            let job = try await ChildProcess.run([TandemBinary.path] + localArguments, environment: ["PATH": "/usr/bin:/bin", "HOME": work].merging(secretEnvironment) { $1 },
                                                 workingDirectory: work, timeout: .seconds(120))
            let jobOutput = String(decoding: job.standardOutput, as: UTF8.self)
            #expect(job.status == 0, "drift is a metric, not a failed pod: \(jobOutput)\n\(job.standardError)")
            // moto replicates nothing; the object is younger than the job's 5-minute grace, so it is pending, not missing.
            #expect(jobOutput.contains("replication=\"rule everything\" status=checked checked=1 missing=0 extra=0 different=0 pending=1"), "\(jobOutput)")
            let metrics = try String(contentsOfFile: export + "/tandem-drift.prom", encoding: .utf8)
            #expect(metrics.contains("tandem_drift_check_success{stack=\"mounted-stack\",workspace=\"default\"} 1"), "\(metrics)")
            #expect(metrics.contains(#"resource="aws_s3_bucket_replication.source",replication="rule everything",kind="pending"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"tandem_drift_data_in_sync{stack="mounted-stack",workspace="default",resource="aws_s3_bucket_replication.source",replication="rule everything"} 1"#), "\(metrics)")

            // The alerting rules as Prometheus loads them.
            let rule = try #require(try await kubernetes.get(ObjectReference(apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", namespace: namespace, name: "tandem-drift-replication")))
            let encoder = JSONEncoder()
            try encoder.encode(Value.map(["groups": rule["spec"]["groups"]])).write(to: URL(fileURLWithPath: work + "/rules.yaml"))
            let promtool = try await DriftJobEndToEndTests.promtool()
            let check = try await ChildProcess.run([promtool, "check", "rules", work + "/rules.yaml"], environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(60))
            #expect(check.status == 0, "promtool check rules: \(String(decoding: check.standardOutput, as: UTF8.self))\(check.standardError)")
            #expect(String(decoding: check.standardOutput, as: UTF8.self).contains("SUCCESS: 4 rules found"))

            let destroy = try await example.run(["destroy", "--auto-approve", "--var-file", "test.vars.yaml"])
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            let destroyStack = try await stack.run(["destroy", "--auto-approve"])
            #expect(destroyStack.exitCode == 0, "\(destroyStack.stdout)\n\(destroyStack.stderr)")
        }
    }
}
