import Foundation
import KubernetesClient
import TandemCore
import Testing
import TandemTesting

/// `tandem_replicator` with `runtime: kubernetes` applied by the built binary to a real API server: the Deployment,
/// its configuration Secret, the Service and the PrometheusRule, validated by the server (the PrometheusRule by the
/// real prometheus-operator CRD); no kubelet runs there, so ``OperatorStandIn`` reports each rollout as the
/// deployment controller would. Re-planned with no changes, a changed pipeline rolls the Deployment, `stopped`
/// scales it to none, destroy removes everything, and the keys are never printed.
@Suite struct ReplicatorKubernetesEndToEndTests {
    private static func configuration(kubeconfig: String, namespace: String, concurrency: Int, state: String = "running", caBundle: String) -> String {
        """
        providers:
          tandem: {kubeconfig: "\(kubeconfig)", namespace: \(namespace)}
        resources:
          tandem_replicator.ceph_to_aws:
            name: ceph_to_aws
            runtime: kubernetes
            state: \(state)
            listen: 127.0.0.1:9464
            kubernetes: {image: "registry.example/tandem:1.0", replicas: 3, alert_queue_lag: 500}
            source: {endpoint: "https://rgw.rook-ceph.svc:443", bucket: src, access_key: SRCKEY, secret_key: source-secret-value, ca_bundle: "\(caBundle)"}
            target: {region: af-south-1, bucket: replica, access_key: AKIAEXAMPLE, secret_key: target-secret-value}
            events:
              sqs: {queue_url: "https://sqs.af-south-1.amazonaws.com/123456789012/events"}
            concurrency: \(concurrency)
        """
    }

    private func client(_ cluster: KubeCluster) throws -> KubernetesClient {
        let access = try KubeconfigLoader.load(path: cluster.adminTokenKubeconfig, environment: [:])
        return KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]), fieldManager: "test")
    }

    private func object(_ apiVersion: String, _ kind: String, _ namespace: String, _ name: String) -> ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    @Test func aReplicatorDeploymentIsAppliedRolledAndRemoved() async throws {
        let cluster = try await KubeCluster.shared()
        let client = try client(cluster)
        let namespace = "replicator-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .map(["name": .string(namespace)])]))
        let deploymentReference = object("apps/v1", "Deployment", namespace, "tandem-ceph-to-aws")
        let controller = try OperatorStandIn(cluster, duties: [.rollOut(deploymentReference)])
        defer { controller.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-k8s-replicator-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
        func write(_ text: String) throws { try text.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8) }
        // The source's private CA, a file on this machine: the pods get its PEM through their Secret.
        let authority = try await TestCertificateAuthority.make(names: ["rgw.rook-ceph.svc"])
        defer { try? FileManager.default.removeItem(atPath: authority.directory) }

        try write(Self.configuration(kubeconfig: cluster.adminTokenKubeconfig, namespace: namespace, concurrency: 8, caBundle: authority.caCertificatePath))
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        let output = apply.stdout + apply.stderr
        #expect(!output.contains("source-secret-value") && !output.contains("target-secret-value"), "the keys are never printed")
        #expect(output.contains("waiting for Deployment \(namespace)/tandem-ceph-to-aws to roll out 3 replica(s)"), "\(output)")
        #expect(output.contains("the cluster does not serve PodMonitor"), "said, not silently skipped: \(output)")
        #expect(output.contains("Applies in the provider block's namespace: Secret tandem-ceph-to-aws-config, Deployment tandem-ceph-to-aws, Service tandem-ceph-to-aws"),
                "\(output)")

        let deployment = try #require(try await client.get(deploymentReference))
        let pod = deployment["spec"]["template"]["spec"]
        let container = try #require(pod["containers"].listValue?.first)
        #expect(deployment["spec"]["replicas"] == .number(3))
        #expect(container["image"] == .string("registry.example/tandem:1.0"))
        #expect(container["args"] == .list(["replicator", "run", "--config", "/etc/tandem/replicator.json"].map(Value.string)))
        #expect(container["securityContext"]["readOnlyRootFilesystem"] == .bool(true) && pod["securityContext"]["runAsNonRoot"] == .bool(true))
        #expect(container["readinessProbe"]["httpGet"]["path"] == .string("/readyz") && container["livenessProbe"]["httpGet"]["path"] == .string("/healthz"))
        #expect(pod["volumes"].listValue?.first?["secret"]["defaultMode"] == .number(256), "the configuration is mounted 0400")
        #expect(container["volumeMounts"].listValue?.compactMap { $0["mountPath"].stringValue } == ["/etc/tandem", "/var/lib/tandem", "/tmp"],
                "the only writable places under a read-only root: the state volume and a small /tmp")
        let secret = try #require(try await client.get(object("v1", "Secret", namespace, "tandem-ceph-to-aws-config")))
        let document = try #require(secret["data"]["replicator.json"].stringValue.flatMap { Data(base64Encoded: $0) })
        let pipeline = try #require(try Value(jsonData: document)["pipelines"].listValue?.first)
        #expect(try Value(jsonData: document)["listen"] == .string("0.0.0.0:9464"), "the pod listens on its own addresses")
        #expect(pipeline["target"]["endpoint"]["secret_key"] == .string("target-secret-value"), "the pod's configuration holds the keys")
        #expect(pipeline["source"]["ca_bundle"] == .string("/etc/tandem/source-ca.pem"), "the pod reads the CA beside its configuration")
        #expect(secret["data"]["source-ca.pem"].stringValue.flatMap { Data(base64Encoded: $0) }
                    == (try Data(contentsOf: URL(fileURLWithPath: authority.caCertificatePath))), "the CA's PEM, copied from this machine")
        let service = try #require(try await client.get(object("v1", "Service", namespace, "tandem-ceph-to-aws")))
        #expect(service["spec"]["ports"].listValue?.first?["port"] == .number(9464))
        let rule = try #require(try await client.get(object("monitoring.coreos.com/v1", "PrometheusRule", namespace, "tandem-ceph-to-aws-alerts")))
        let alerts = rule["spec"]["groups"].listValue?.first?["rules"].listValue ?? []
        #expect(alerts.compactMap { $0["alert"].stringValue } == ["TandemReplicatorDown", "TandemReplicatorFailuresRising", "TandemReplicatorDeadLetters",
                                                                 "TandemReplicatorQueueLag", "TandemReplicatorLatencyHigh"])
        #expect(alerts.contains { $0["expr"].stringValue?.contains("tandem_replicator_queue_lag{namespace=\"\(namespace)\",pipeline=\"ceph_to_aws\"}) > 500") == true })

        let quiet = try await tandem.run(["plan", "--detailed-exitcode"])
        #expect(quiet.exitCode == 0, "\(quiet.stdout)\n\(quiet.stderr)")
        // A renewed CA under the same path: the pods run a stale copy until apply gives them the new one.
        let original = try Data(contentsOf: URL(fileURLWithPath: authority.caCertificatePath))
        try (original + Data("\n".utf8)).write(to: URL(fileURLWithPath: authority.caCertificatePath))
        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 2, "a changed CA file is a change")
        try original.write(to: URL(fileURLWithPath: authority.caCertificatePath))
        let shown = try await tandem.run(["state", "show", "tandem_replicator.ceph_to_aws"])
        #expect(shown.stdout.contains("http://tandem-ceph-to-aws.\(namespace).svc:9464"), "the endpoint is the Service: \(shown.stdout)")

        // A changed pipeline rolls the Deployment: its pod template carries the new configuration's hash.
        let before = deployment["spec"]["template"]["metadata"]["annotations"]["tandem.dev/configuration-sha256"]
        try write(Self.configuration(kubeconfig: cluster.adminTokenKubeconfig, namespace: namespace, concurrency: 16, caBundle: authority.caCertificatePath))
        let changed = try await tandem.run(["apply", "--auto-approve"])
        #expect(changed.exitCode == 0 && changed.stdout.contains("1 updated"), "\(changed.stdout)\n\(changed.stderr)")
        #expect(changed.stdout.contains("Secret tandem-ceph-to-aws-config gets the new configuration; Deployment tandem-ceph-to-aws rolls its pods"),
                "the plan says what the change does on the cluster: \(changed.stdout)")
        let rolled = try #require(try await client.get(deploymentReference))
        #expect(rolled["spec"]["template"]["metadata"]["annotations"]["tandem.dev/configuration-sha256"] != before)
        #expect((rolled["metadata"]["generation"].numberValue ?? 0) > (deployment["metadata"]["generation"].numberValue ?? 0))

        try write(Self.configuration(kubeconfig: cluster.adminTokenKubeconfig, namespace: namespace, concurrency: 16, state: "stopped",
                                                 caBundle: authority.caCertificatePath))
        let stopped = try await tandem.run(["apply", "--auto-approve"])
        #expect(stopped.exitCode == 0, "\(stopped.stdout)\n\(stopped.stderr)")
        #expect(try await client.get(deploymentReference)?["spec"]["replicas"] == .number(0), "stopped scales to none")
        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0)

        let destroy = try await tandem.run(["destroy", "--auto-approve"])
        #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        #expect(try await client.get(deploymentReference) == nil)
        #expect(try await client.get(object("v1", "Secret", namespace, "tandem-ceph-to-aws-config")) == nil)
        #expect(try await client.get(object("v1", "Service", namespace, "tandem-ceph-to-aws")) == nil)
        #expect(try await client.get(object("monitoring.coreos.com/v1", "PrometheusRule", namespace, "tandem-ceph-to-aws-alerts")) == nil)
    }

    /// A pushed-events pipeline runs as a StatefulSet, each pod journaling on a volume of its own, and `tandem
    /// replicator status` asks each pod through the API server's pod proxy, with the provider block it was applied with.
    /// No controller or kubelet runs here: the test plays them, reporting the rollout, creating two Pod objects with
    /// the workload's labels whose IP is this machine's (the proxy refuses loopback pod IPs) and one volume claim, and
    /// a real `tandem replicator run` with the Secret's configuration answers behind the pods. A user without RBAC
    /// grants is told which permission is missing; destroy removes the claims with the StatefulSet.
    @Test func pushPodsJournalOnTheirOwnVolumesAndStatusAsksEachThroughTheAPIServer() async throws {
        let cluster = try await KubeCluster.shared()
        let client = try client(cluster)
        let hostIP = try HostAddress.nonLoopbackIPv4()
        let port = CephCluster.freePort()
        let namespace = "replicator-\(UUID().uuidString.prefix(6).lowercased())"
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .map(["name": .string(namespace)])]))
        // The API server admits pods only once their namespace has the service account a controller would have made.
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
                                         "metadata": .map(["name": .string("default"), "namespace": .string(namespace)])]))
        let statefulSet = object("apps/v1", "StatefulSet", namespace, "tandem-rgw-push")
        let controller = try OperatorStandIn(cluster, duties: [.rollOut(statefulSet)])
        defer { controller.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-k8s-status-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
        func configure(kubeconfig: String) throws {
            try """
            providers:
              tandem: {kubeconfig: "\(kubeconfig)", namespace: \(namespace)}
            resources:
              tandem_replicator.push:
                name: rgw-push
                runtime: kubernetes
                listen: 127.0.0.1:\(port)
                kubernetes: {image: "registry.example/tandem:1.0", replicas: 2, monitor: false}
                source: {endpoint: "http://127.0.0.1:9", bucket: src, access_key: K, secret_key: source-secret-value}
                target: {endpoint: "http://127.0.0.1:9", bucket: dst, access_key: K, secret_key: target-secret-value}
                events: {http: {}}
                reconcile_interval: 0
            """.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        }
        try configure(kubeconfig: cluster.adminTokenKubeconfig)
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("waiting for StatefulSet \(namespace)/tandem-rgw-push to roll out 2 replica(s)"), "\(apply.stdout)")
        let workload = try #require(try await client.get(statefulSet))
        #expect(try await client.get(object("apps/v1", "Deployment", namespace, "tandem-rgw-push")) == nil)
        let claim = try #require(workload["spec"]["volumeClaimTemplates"].listValue?.first)
        #expect(claim["metadata"]["name"] == .string("state") && claim["spec"]["accessModes"] == .list([.string("ReadWriteOnce")]))
        #expect(claim["spec"]["resources"]["requests"]["storage"] == .string("176Mi"),
                "room for the journal and the dead letters at their bounds (64 MiB each), a quarter and 16 MiB to spare")
        let volumes = workload["spec"]["template"]["spec"]["volumes"].listValue?.compactMap { $0["name"].stringValue }
        #expect(volumes == ["configuration", "tmp"], "the state volume is the pod's claim, not an emptyDir")
        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "a re-plan is quiet")
        // The StatefulSet controller's part: pod 0's claim.
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("PersistentVolumeClaim"),
                                         "metadata": .map(["name": .string("state-tandem-rgw-push-0"), "namespace": .string(namespace),
                                                           "labels": claim["metadata"]["labels"]]),
                                         "spec": claim["spec"]]))

        // The kubelet's part: two pods of the Deployment, at this machine's address.
        let labels: Value = .map(["app.kubernetes.io/name": .string("tandem-replicator"), "app.kubernetes.io/instance": .string("tandem-rgw-push")])
        for pod in ["tandem-rgw-push-a", "tandem-rgw-push-b"] {
            _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("Pod"),
                                             "metadata": .map(["name": .string(pod), "namespace": .string(namespace), "labels": labels]),
                                             "spec": .map(["automountServiceAccountToken": .bool(false), "containers": .list([.map(["name": .string("replicator"), "image": .string("registry.example/tandem:1.0")])])])]))
            _ = try await client.patchStatus(object("v1", "Pod", namespace, pod),
                                             status: .map(["podIP": .string(hostIP), "podIPs": .list([.map(["ip": .string(hostIP)])])]))
        }
        // The pods' process: the configuration the Secret holds (listening on every address), its journal here.
        let secret = try #require(try await client.get(object("v1", "Secret", namespace, "tandem-rgw-push-config")))
        let document = try #require(secret["data"]["replicator.json"].stringValue.flatMap { Data(base64Encoded: $0) })
        guard case .map(var entries) = try Value(jsonData: document) else { Issue.record("not a configuration"); return }
        entries["state_directory"] = .string(directory + "/pod-state")
        try Data(try Value.map(entries).canonicalJSON().utf8).write(to: URL(fileURLWithPath: directory + "/pod.json"))

        let podProcess = try await tandem.runReplicator(configuration: directory + "/pod.json") { replicator in
            var status = try await tandem.run(["replicator", "status", "--json"])
            let deadline = ContinuousClock.now + .seconds(30)
            while status.exitCode != 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                status = try await tandem.run(["replicator", "status", "--json"])
            }
            let reports = try #require(try Value(jsonString: status.stdout).listValue, "\(status.stdout)\n\(status.stderr)")
            let answers = reports.first?["answers"].listValue ?? []
            #expect(answers.compactMap { $0["endpoint"].stringValue } == ["tandem-rgw-push-a", "tandem-rgw-push-b"].map {
                "pod \(namespace)/\($0):\(port) through the API server"
            }, "one answer per pod: \(status.stdout)")
            #expect(answers.allSatisfy { $0["status"]["pid"].numberValue == Double(replicator.processID) }, "answered by the process behind them")
            #expect(answers.allSatisfy { $0["status"]["pipelines"].listValue?.first?["name"] == .string("rgw-push") })
            #expect(status.exitCode == 0 && !status.stdout.contains("source-secret-value"), "\(status.stdout)\n\(status.stderr)")

            try configure(kubeconfig: cluster.unprivilegedTokenKubeconfig)
            let forbidden = try await tandem.run(["replicator", "status"])
            #expect(forbidden.exitCode == 1 && forbidden.stdout.contains("you may not list its pods (RBAC: list pods in \(namespace))"),
                    "\(forbidden.stdout)\n\(forbidden.stderr)")
            replicator.send(signal: SIGTERM)
            _ = await replicator.waitForExit(timeout: .seconds(30))
        }
        // Its log, when a pod did not answer: whether it listened, and what it said if it stopped.
        #expect(podProcess.stderr.contains("listening on ") && podProcess.exitCode == 0, "\(podProcess.stderr)")
        try configure(kubeconfig: cluster.adminTokenKubeconfig)
        let down = try await tandem.run(["replicator", "status"])
        #expect(down.exitCode == 1 && down.stdout.contains("not answering"), "\(down.stdout)\n\(down.stderr)")
        #expect(try await tandem.run(["destroy", "--auto-approve"]).exitCode == 0)
        #expect(try await client.get(statefulSet) == nil)
        // Claims carry the pvc-protection finalizer its controller removes; without one here, deleted means being deleted.
        let deletedClaim = try await client.get(object("v1", "PersistentVolumeClaim", namespace, "state-tandem-rgw-push-0"))
        #expect(deletedClaim == nil || deletedClaim?["metadata"]["deletionTimestamp"] != .null, "its journal volume goes too")
    }
}
