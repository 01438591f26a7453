import Foundation
import KubernetesClient
import TandemCore
import Testing
import TandemTesting

/// Every Kubernetes example applied by the built binary across two real API servers (kube-apiserver v1.20.2 with the
/// real CRDs of ../shared/crds), with ``OperatorStandIn`` playing what Rook and the namespace controller would do:
/// each is applied in one run with no manual step, re-planned with no changes, shown drift after another field
/// manager's edit (named with the field), kept from printing any secret, and destroyed in reverse order.
@Suite(.serialized) struct KubernetesExamplesEndToEndTests {
    /// The second cluster of the process, with the same CRDs as the shared one.
    private static let second = Task<KubeCluster, any Error> {
        try await KubeCluster.start(label: "second", crds: [try KubeCluster.crdDirectory()])
    }

    /// A copy of `examples/NAME` (modules included) whose variables come from `variables` (a `--var-file`).
    private struct Example {
        let tandem: TandemBinary

        init(_ name: String, variables: [String: Any], environment extra: [String: String] = [:]) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-k8s-example-\(UUID())").path
            try FileManager.default.copyItem(atPath: TandemBinary.repositoryRoot + "/examples/" + name, toPath: directory)
            try JSONSerialization.data(withJSONObject: variables).write(to: URL(fileURLWithPath: directory + "/test.vars.yaml"))
            var environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"]
            environment.merge(extra) { $1 }
            tandem = TandemBinary(directory: directory, environment: environment)
        }

        func run(_ arguments: [String]) async throws -> TandemBinary.Run {
            try await tandem.run(arguments + ["--var-file", "test.vars.yaml"])
        }

        /// Applies, expecting success; returns stdout and stderr together.
        func apply() async throws -> String {
            let apply = try await run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            return apply.stdout + apply.stderr
        }

        /// True when a plan shows no changes.
        func planIsQuiet() async throws -> Bool {
            let plan = try await run(["plan", "--detailed-exitcode"])
            #expect(plan.exitCode == 0, "\(plan.stdout)\n\(plan.stderr)")
            return plan.exitCode == 0
        }

        func destroy() async throws -> String {
            let destroy = try await run(["destroy", "--auto-approve"])
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            return destroy.stdout + destroy.stderr
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: tandem.directory)
        }
    }

    private func client(_ cluster: KubeCluster, manager: String = "test") throws -> KubernetesClient {
        let access = try KubeconfigLoader.load(path: cluster.adminTokenKubeconfig, environment: [:])
        return KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]), fieldManager: manager)
    }

    private static func object(_ apiVersion: String, _ kind: String, _ namespace: String?, _ name: String) -> ObjectReference {
        ObjectReference(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    private static func rook(_ kind: String, _ namespace: String, _ name: String) -> ObjectReference {
        object("ceph.rook.io/v1", kind, namespace, name)
    }

    private static func secret(_ namespace: String, _ name: String, _ data: [String: String]) -> Value {
        .map(["apiVersion": .string("v1"), "kind": .string("Secret"),
              "metadata": .map(["name": .string(name), "namespace": .string(namespace)]),
              "stringData": .map(data.mapValues { .string($0) })])
    }

    /// A namespace as an installation (Rook's, Velero's, an application's) leaves it.
    private func makeNamespace(_ name: String, on client: KubernetesClient) async throws {
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .map(["name": .string(name)])]))
    }

    private func decodedData(_ secret: Value?) -> [String: String] {
        (secret?["data"].mapValue ?? [:]).compactMapValues { $0.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Another field manager (a `kubectl apply --server-side --force-conflicts` by someone) takes over a field of
    /// `manifest`; the next plan refuses to take it back, naming the field, that manager and the line.
    private func expectDriftReported(_ example: Example, by client: KubernetesClient, manifest: Value, field: String, line: String) async throws {
        _ = try await client.apply(manifest, force: true)
        let plan = try await example.run(["plan", "--detailed-exitcode"])
        let output = plan.stdout + plan.stderr
        #expect(plan.exitCode == 1, "drift goes unnoticed:\n\(output)")
        #expect(output.contains("conflict with \"kubectl-edit\"") && output.contains(field), "the plan names the manager and the field \(field):\n\(output)")
        #expect(output.contains(line), "the error points at \(line):\n\(output)")
    }

    @Test func rookMultisiteAcrossTwoClustersInOneApply() async throws {
        let (clusterA, clusterB) = (try await KubeCluster.shared(), try await Self.second.value)
        let (a, b) = (try client(clusterA), try client(clusterB))
        let namespace = "rook-\(UUID().uuidString.prefix(6).lowercased())"
        try await makeNamespace(namespace, on: a)
        try await makeNamespace(namespace, on: b)
        let keys = ["access-key": "realm-access-\(UUID().uuidString.prefix(8))", "secret-key": "realm-secret-\(UUID().uuidString)"]
        let ready: Value = .map(["phase": .string("Ready")])
        let rookA = try OperatorStandIn(clusterA, duties: [
            .status(Self.rook("CephObjectRealm", namespace, "rciis"), ready), .status(Self.rook("CephObjectZoneGroup", namespace, "rciis-sites"), ready),
            .status(Self.rook("CephObjectZone", namespace, "site-a"), ready), .status(Self.rook("CephObjectStore", namespace, "multisite-store"), ready),
            .secret(after: Self.rook("CephObjectRealm", namespace, "rciis"), secret: Self.secret(namespace, "rciis-keys", keys)),
        ])
        let rookB = try OperatorStandIn(clusterB, duties: [
            .status(Self.rook("CephObjectRealm", namespace, "rciis"), ready), .status(Self.rook("CephObjectZoneGroup", namespace, "rciis-sites"), ready),
            .status(Self.rook("CephObjectZone", namespace, "site-b"), ready), .status(Self.rook("CephObjectStore", namespace, "multisite-store"), ready),
        ])
        defer { rookA.stop(); rookB.stop() }
        let example = try Example("rook-multisite", variables: [
            "kubeconfig_a": clusterA.adminTokenKubeconfig, "kubeconfig_b": clusterB.adminTokenKubeconfig, "namespace": namespace,
            "endpoint_a": "http://127.0.0.1:18001", "endpoint_b": "http://127.0.0.1:18002",
        ])
        defer { example.remove() }

        let output = try await example.apply()
        #expect(output.contains("Resources: 10 created"), "\(output)")
        #expect(!output.contains(keys["secret-key"]!) && !output.contains(keys["access-key"]!), "the realm keys are never printed")
        let copied = try await b.get(Self.object("v1", "Secret", namespace, "rciis-keys"))
        #expect(decodedData(copied) == keys, "cluster B holds the realm keys Rook wrote on cluster A")
        // B's realm pulls with the keys: its Secret was written before the realm was created.
        let secretDone = try #require(output.range(of: "kubernetes_secret.realm_keys_b: Created after"))
        let realmStarted = try #require(output.range(of: "kubernetes_manifest.realm_b: Creating..."))
        #expect(secretDone.lowerBound < realmStarted.lowerBound, "\(output)")
        let zoneB = try #require(try await b.get(Self.rook("CephObjectZone", namespace, "site-b")))
        #expect(zoneB["spec"]["customEndpoints"] == .list([.string("http://127.0.0.1:18002")]))
        #expect(zoneB["spec"]["metadataPool"]["replicated"]["size"] == .number(3), "a whole-expression local keeps its number type")
        #expect(try await example.planIsQuiet())

        let edit = try client(clusterA, manager: "kubectl-edit")
        try await expectDriftReported(example, by: edit, manifest: .map([
            "apiVersion": .string("ceph.rook.io/v1"), "kind": .string("CephObjectZone"),
            "metadata": .map(["name": .string("site-a"), "namespace": .string(namespace)]),
            "spec": .map(["zoneGroup": .string("rciis-sites"), "customEndpoints": .list([.string("http://edited.example:80")])]),
        ]), field: ".spec.customEndpoints", line: "main.tandem.yaml:59:")

        let destroyed = try await example.destroy()
        #expect(destroyed.contains("Resources: 10 destroyed"), "\(destroyed)")
        for (client, zone) in [(a, "site-a"), (b, "site-b")] {
            #expect(try await client.get(Self.rook("CephObjectRealm", namespace, "rciis")) == nil)
            #expect(try await client.get(Self.rook("CephObjectZone", namespace, zone)) == nil)
        }
        #expect(try await b.get(Self.object("v1", "Secret", namespace, "rciis-keys")) == nil, "the copy is deleted")
        #expect(try await a.get(Self.object("v1", "Secret", namespace, "rciis-keys")) != nil, "Rook's own Secret is left to Rook")
    }

    @Test func rbdMirrorCopiesThePeerTokenAndPatchesOnlyItsKeys() async throws {
        let (clusterA, clusterB) = (try await KubeCluster.shared(), try await Self.second.value)
        let (a, b) = (try client(clusterA), try client(clusterB))
        let namespace = "rbd-\(UUID().uuidString.prefix(6).lowercased())"
        let helm = (try client(clusterA, manager: "helm"), try client(clusterB, manager: "helm"))
        for (client, installer) in [(a, helm.0), (b, helm.1)] {
            try await makeNamespace(namespace, on: client)
            _ = try await installer.apply(.map(["apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                                               "metadata": .map(["name": .string("rook-ceph-operator-config"), "namespace": .string(namespace)]),
                                               "data": .map(["ROOK_LOG_LEVEL": .string("INFO")])]))
        }
        let token = "peer-token-\(UUID().uuidString)"
        let rookA = try OperatorStandIn(clusterA, duties: [
            .status(Self.rook("CephBlockPool", namespace, "replicapool"),
                    .map(["phase": .string("Ready"), "info": .map(["rbdMirrorBootstrapPeerSecretName": .string("pool-peer-token-replicapool")])])),
            .secret(after: Self.rook("CephBlockPool", namespace, "replicapool"),
                    secret: Self.secret(namespace, "pool-peer-token-replicapool", ["token": token, "pool": "replicapool"])),
            .finalizeNamespace("csi-addons-system"),
        ])
        let rookB = try OperatorStandIn(clusterB, duties: [.finalizeNamespace("csi-addons-system")])
        defer { rookA.stop(); rookB.stop() }
        let example = try Example("rbd-mirror", variables: [
            "kubeconfig_primary": clusterA.adminTokenKubeconfig, "kubeconfig_secondary": clusterB.adminTokenKubeconfig,
            "namespace": namespace, "protected_pvcs": ["mysql-pv-claim": namespace],
        ])
        defer { example.remove() }

        let output = try await example.apply()
        #expect(!output.contains(token), "the peer token is never printed")
        let copied = decodedData(try await b.get(Self.object("v1", "Secret", namespace, "rbd-primary-site-secret")))
        #expect(copied == ["token": token, "pool": "replicapool"], "the secondary holds the token the primary pool's status named")
        let poolB = try #require(try await b.get(Self.rook("CephBlockPool", namespace, "replicapool")))
        #expect(poolB["spec"]["mirroring"]["peers"]["secretNames"] == .list([.string("rbd-primary-site-secret")]))
        for client in [a, b] {
            let settings = try await client.get(Self.object("v1", "ConfigMap", namespace, "rook-ceph-operator-config"))
            #expect(settings?["data"] == .map(["ROOK_LOG_LEVEL": .string("INFO"), "CSI_ENABLE_OMAP_GENERATOR": .string("true"),
                                               "CSI_ENABLE_CSIADDONS": .string("true")]), "the two keys join Rook's own")
            #expect(try await client.get(Self.object("replication.storage.openshift.io/v1alpha1", "VolumeReplicationClass", nil,
                                                      "rbd-volumereplicationclass")) != nil)
        }
        let replication = try #require(try await a.get(Self.object("replication.storage.openshift.io/v1alpha1", "VolumeReplication", namespace, "mysql-pv-claim")))
        #expect(replication["spec"]["volumeReplicationClass"] == .string("rbd-volumereplicationclass"))
        #expect(try await b.get(Self.rook("CephRBDMirror", namespace, "rbd-mirror")) != nil)
        #expect(try await example.planIsQuiet())

        let edit = try client(clusterB, manager: "kubectl-edit")
        try await expectDriftReported(example, by: edit, manifest: .map([
            "apiVersion": .string("replication.storage.openshift.io/v1alpha1"), "kind": .string("VolumeReplicationClass"),
            "metadata": .map(["name": .string("rbd-volumereplicationclass")]),
            "spec": .map(["provisioner": .string("rook-ceph.rbd.csi.ceph.com"), "parameters": .map(["schedulingInterval": .string("5m")])]),
        ]), field: ".spec.parameters.schedulingInterval", line: "csi-addons/main.tandem.yaml:90:")

        _ = try await example.destroy()
        for client in [a, b] {
            let settings = try await client.get(Self.object("v1", "ConfigMap", namespace, "rook-ceph-operator-config"))
            #expect(settings?["data"] == .map(["ROOK_LOG_LEVEL": .string("INFO")]), "destroy gives back its keys and leaves Rook's ConfigMap")
            #expect(try await client.get(Self.rook("CephBlockPool", namespace, "replicapool")) == nil)
            #expect(try await client.get(Self.object("v1", "Namespace", nil, "csi-addons-system")) == nil)
        }
    }

    @Test func aPatchOfAnObjectThatDoesNotExistIsRefusedAtPlanTime() async throws {
        let cluster = try await KubeCluster.shared()
        let namespace = "patch-\(UUID().uuidString.prefix(6).lowercased())"
        try await makeNamespace(namespace, on: try client(cluster))
        let example = try Example("rbd-mirror", variables: [:])
        defer { example.remove() }
        try """
        providers:
          kubernetes: {kubeconfig: "\(cluster.adminTokenKubeconfig)", namespace: \(namespace)}
        resources:
          kubernetes_patch.settings:
            manifest:
              apiVersion: v1
              kind: ConfigMap
              metadata: {name: rook-ceph-operator-config}
              data: {CSI_ENABLE_CSIADDONS: "true"}
        """.write(toFile: example.tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: example.tandem.directory + "/csi-addons")
        let plan = try await example.tandem.run(["plan"])
        #expect(plan.exitCode == 1)
        #expect(plan.stderr.contains("ConfigMap \(namespace)/rook-ceph-operator-config does not exist"), "\(plan.stderr)")
        #expect(plan.stderr.contains("main.tandem.yaml:8:"), "the error points at metadata.name: \(plan.stderr)")
    }

    @Test func veleroDRWritesBothLocationsFromTheGlobalUser() async throws {
        let (clusterA, clusterB) = (try await KubeCluster.shared(), try await Self.second.value)
        let (a, b) = (try client(clusterA), try client(clusterB))
        let ceph = try await CephCluster.bare("velero-dr")
        let namespace = "velero-\(UUID().uuidString.prefix(6).lowercased())"
        try await makeNamespace(namespace, on: a)
        try await makeNamespace(namespace, on: b)
        let example = try Example("velero-dr", variables: [
            "kubeconfig_active": clusterA.adminTokenKubeconfig, "kubeconfig_passive": clusterB.adminTokenKubeconfig, "velero_namespace": namespace,
            "zone_a_endpoint": "http://127.0.0.1:\(CephCluster.freePort())", "zone_b_endpoint": "http://127.0.0.1:\(CephCluster.freePort())",
        ], environment: ["CEPH_CONF": ceph.configPath])
        defer { example.remove() }

        let output = try await example.apply()
        #expect(output.contains("Resources: 12 created"), "\(output)")
        let accessKey = try #require(try example.tandem.stateAttribute("ceph_user.velero", "access_key"))
        let secretKey = try #require(try example.tandem.stateAttribute("ceph_user.velero", "secret_key"))
        #expect(!output.contains(secretKey), "the user's secret key is never printed")
        for (client, mode) in [(a, "ReadWrite"), (b, "ReadOnly")] {
            let credentials = decodedData(try await client.get(Self.object("v1", "Secret", namespace, "cloud-credentials")))["cloud"] ?? ""
            #expect(credentials.contains("aws_access_key_id=\(accessKey)") && credentials.contains("aws_secret_access_key=\(secretKey)"),
                    "Velero reads the global user's keys on both clusters")
            let location = try #require(try await client.get(Self.object("velero.io/v1", "BackupStorageLocation", namespace, "default")))
            #expect(location["spec"]["accessMode"] == .string(mode), "the passive site can restore but never write")
            #expect(location["spec"]["objectStorage"]["bucket"] == .string("velero-backups"))
        }
        #expect(try await example.planIsQuiet())

        let edit = try client(clusterB, manager: "kubectl-edit")
        try await expectDriftReported(example, by: edit, manifest: .map([
            "apiVersion": .string("velero.io/v1"), "kind": .string("BackupStorageLocation"),
            "metadata": .map(["name": .string("default"), "namespace": .string(namespace)]),
            "spec": .map(["provider": .string("aws"), "objectStorage": .map(["bucket": .string("velero-backups")]), "accessMode": .string("ReadWrite")]),
        ]), field: ".spec.accessMode", line: "main.tandem.yaml:")

        let destroyed = try await example.destroy()
        #expect(destroyed.contains("Resources: 12 destroyed"), "\(destroyed)")
        for client in [a, b] {
            #expect(try await client.get(Self.object("velero.io/v1", "BackupStorageLocation", namespace, "default")) == nil)
            #expect(try await client.get(Self.object("v1", "Secret", namespace, "cloud-credentials")) == nil)
        }
    }

    @Test func volsyncFansOutWithAnRcloneSecretFromTheSamePlan() async throws {
        let (clusterA, clusterB) = (try await KubeCluster.shared(), try await Self.second.value)
        let (source, edge) = (try client(clusterA), try client(clusterB))
        let moto = try await MotoServer.shared()
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let sourceNamespace = "source-\(suffix)"
        try await makeNamespace(sourceNamespace, on: source)
        let destinations = Dictionary(uniqueKeysWithValues: ["edge-1", "edge-2", "edge-3"].map { ($0, ["namespace": "\($0)-\(suffix)", "capacity": "10Gi"]) })
        for settings in destinations.values { try await makeNamespace(settings["namespace"]!, on: edge) }
        try await moto.withFreshState {
            let example = try Example("volsync-fanout", variables: [
                "kubeconfig_source": clusterA.adminTokenKubeconfig, "kubeconfig_edge": clusterB.adminTokenKubeconfig, "endpoint": moto.endpoint,
                "source_namespace": sourceNamespace, "destinations": destinations,
            ], environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
            defer { example.remove() }

            let output = try await example.apply()
            #expect(output.contains("Resources: 12 created"), "\(output)")
            let keyID = try #require(try example.tandem.stateAttribute("aws_iam_access_key.mover", "id"))
            let secret = try #require(try example.tandem.stateAttribute("aws_iam_access_key.mover", "secret"))
            #expect(!output.contains(secret), "the mover's secret key is never printed")
            let sourceConf = decodedData(try await source.get(Self.object("v1", "Secret", sourceNamespace, "rclone-secret")))["rclone.conf"] ?? ""
            #expect(sourceConf.contains("access_key_id = \(keyID)") && sourceConf.contains("secret_access_key = \(secret)")
                    && sourceConf.contains("endpoint = \(moto.endpoint)"), "rclone.conf carries the key the plan made:\n\(sourceConf)")
            let replicationSource = try #require(try await source.get(Self.object("volsync.backube/v1alpha1", "ReplicationSource", sourceNamespace, "mysql-pv-claim-source")))
            #expect(replicationSource["spec"]["rclone"]["rcloneDestPath"] == .string("volsync-fanout-bucket/mysql-pv-claim"))
            #expect(replicationSource["spec"]["trigger"]["schedule"] == .string("*/6 * * * *"))
            for (site, settings) in destinations {
                let namespace = settings["namespace"]!
                #expect(decodedData(try await edge.get(Self.object("v1", "Secret", namespace, "rclone-secret")))["rclone.conf"] == sourceConf)
                let destination = try #require(try await edge.get(Self.object("volsync.backube/v1alpha1", "ReplicationDestination", namespace, site)))
                #expect(destination["spec"]["trigger"]["schedule"] == .string("3-59/6 * * * *"), "destinations pull after the source pushed")
                #expect(destination["spec"]["rclone"]["rcloneDestPath"] == .string("volsync-fanout-bucket/mysql-pv-claim"))
            }
            #expect(try await example.planIsQuiet())

            let edit = try client(clusterB, manager: "kubectl-edit")
            try await expectDriftReported(example, by: edit, manifest: .map([
                "apiVersion": .string("volsync.backube/v1alpha1"), "kind": .string("ReplicationDestination"),
                "metadata": .map(["name": .string("edge-2"), "namespace": .string("edge-2-\(suffix)")]),
                "spec": .map(["trigger": .map(["schedule": .string("*/1 * * * *")])]),
            ]), field: ".spec.trigger.schedule", line: "main.tandem.yaml:")

            let destroyed = try await example.destroy()
            #expect(destroyed.contains("Resources: 12 destroyed"), "\(destroyed)")
            #expect(try await source.get(Self.object("v1", "Secret", sourceNamespace, "rclone-secret")) == nil)
            #expect(try await edge.get(Self.object("volsync.backube/v1alpha1", "ReplicationDestination", "edge-1-\(suffix)", "edge-1")) == nil)
        }
    }

    @Test func cephAWSOnKubernetesCopiesTheRookUserKeysToTheAWSCluster() async throws {
        let (clusterA, clusterB) = (try await KubeCluster.shared(), try await Self.second.value)
        let (onprem, aws) = (try client(clusterA), try client(clusterB))
        let moto = try await MotoServer.shared()
        let namespace = "s3r-\(UUID().uuidString.prefix(6).lowercased())"
        let keys = ["AccessKey": "CEPHKEY\(UUID().uuidString.prefix(8))", "SecretKey": "ceph-secret-\(UUID().uuidString)"]
        let rook = try OperatorStandIn(clusterA, duties: [
            .status(Self.rook("CephObjectStoreUser", namespace, "s3-replicator"), .map(["phase": .string("Ready")])),
            .secret(after: Self.rook("CephObjectStoreUser", namespace, "s3-replicator"),
                    secret: Self.secret(namespace, "rook-ceph-object-user-ceph-objectstore-s3-replicator", keys)),
            .finalizeNamespace(namespace),
        ])
        let namespaceController = try OperatorStandIn(clusterB, duties: [.finalizeNamespace(namespace)])
        defer { rook.stop(); namespaceController.stop() }
        try await moto.withFreshState {
            let example = try Example("ceph-aws-on-kubernetes", variables: [
                "kubeconfig_onprem": clusterA.adminTokenKubeconfig, "kubeconfig_aws": clusterB.adminTokenKubeconfig, "endpoint": moto.endpoint,
                "namespace": namespace,
            ], environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
            defer { example.remove() }

            let output = try await example.apply()
            #expect(output.contains("Resources: 19 created"), "\(output)")
            let awsSecret = try #require(try example.tandem.stateAttribute("aws_iam_access_key.replicator", "secret"))
            #expect(!output.contains(keys["SecretKey"]!) && !output.contains(awsSecret), "no key is ever printed")
            #expect(decodedData(try await aws.get(Self.object("v1", "Secret", namespace, "ceph-credentials"))) == keys,
                    "the AWS cluster holds the keys Rook generated on-prem")
            let claim = try #require(try await onprem.get(Self.object("objectbucket.io/v1alpha1", "ObjectBucketClaim", namespace, "s3-replication-test")))
            #expect(claim["metadata"]["labels"]["bucket-notification-s3-replication-notification"] == .string("s3-replication-notification"),
                    "the claim carries the label that attaches the notification")
            let rules = try #require(try await onprem.get(Self.object("monitoring.coreos.com/v1", "PrometheusRule", namespace, "s3-replicator-alerts")))
            #expect(rules["spec"]["groups"].listValue?.first?["rules"].listValue?.count == 5)
            #expect(try await example.planIsQuiet())

            let edit = try client(clusterA, manager: "kubectl-edit")
            try await expectDriftReported(example, by: edit, manifest: .map([
                "apiVersion": .string("ceph.rook.io/v1"), "kind": .string("CephBucketTopic"),
                "metadata": .map(["name": .string("s3-replication-topic"), "namespace": .string(namespace)]),
                "spec": .map(["objectStoreName": .string("ceph-objectstore"), "objectStoreNamespace": .string("rook-ceph"),
                              "endpoint": .map(["kafka": .map(["uri": .string("kafka.elsewhere:9093")])])]),
            ]), field: ".spec.endpoint.kafka.uri", line: "main.tandem.yaml:")

            let destroyed = try await example.destroy()
            #expect(destroyed.contains("Resources: 19 destroyed"), "\(destroyed)")
            for client in [onprem, aws] {
                #expect(try await client.get(Self.object("v1", "Namespace", nil, namespace)) == nil, "the namespaces are gone, finalized")
            }
        }
    }

    /// Seed 000's two Camel K Integrations rendered by Tandem from two `tandem_replicator` pipelines (runtime camel-k),
    /// each through its own tandem provider alias (the shared cluster plays both sites, one namespace each), with the
    /// AWS side on moto: validated by the real Camel K CRD, loop checks holding the IAM user's real unique id, no key
    /// in an Integration, a quiet re-plan, an edit around Tandem shown and taken back, destroy removing everything.
    /// No Camel K operator or Camel runtime runs here: the test reports each Integration Running as the operator
    /// would, and the routes are checked for what they say, not run.
    @Test func camelKReplicatorsRenderTheSeedsIntegrationsWithItsDefectsFixed() async throws {
        let cluster = try await KubeCluster.shared()
        let kube = try client(cluster)
        let moto = try await MotoServer.shared()
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let (onprem, aws) = ("onprem-\(suffix)", "aws-\(suffix)")
        for namespace in [onprem, aws] { try await makeNamespace(namespace, on: kube) }
        let cephToAWS = Self.object("camel.apache.org/v1", "Integration", onprem, "tandem-ceph-to-aws-replicator")
        let awsToCeph = Self.object("camel.apache.org/v1", "Integration", aws, "tandem-aws-to-ceph-replicator")
        let camelK = try OperatorStandIn(cluster, duties: [cephToAWS, awsToCeph].map { .status($0, .map(["phase": .string("Running")])) })
        defer { camelK.stop() }
        try await moto.withFreshState {
            let cephSecret = "ceph-secret-\(UUID().uuidString)"
            let example = try Example("camel-k-bidirectional", variables: [
                "kubeconfig_onprem": cluster.adminTokenKubeconfig, "kubeconfig_aws": cluster.adminTokenKubeconfig, "namespace_onprem": onprem,
                "namespace_aws": aws, "endpoint": moto.endpoint, "ceph_access_key": "CEPHKEY", "ceph_secret_key": cephSecret,
            ], environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
            defer { example.remove() }

            let output = try await example.apply()
            #expect(output.contains("Resources: 10 created"), "\(output)")
            #expect(output.contains("waiting for Integration \(aws)/tandem-aws-to-ceph-replicator to be Running"), "\(output)")
            let awsSecret = try #require(try example.tandem.stateAttribute("aws_iam_access_key.replicator", "secret"))
            #expect(!output.contains(cephSecret) && !output.contains(awsSecret), "no key is ever printed")
            let uniqueID = try #require(try example.tandem.stateAttribute("aws_iam_user.replicator", "unique_id"))
            #expect(!uniqueID.isEmpty && uniqueID != "rciis-ceph-s3-replicator", "the user's id (AIDA... on AWS; moto makes up its own): \(uniqueID)")

            let fromAWS = try #require(try await kube.get(awsToCeph))
            let fromCeph = try #require(try await kube.get(cephToAWS))
            let (awsText, cephText) = (try fromAWS["spec"].canonicalJSON(), try fromCeph["spec"].canonicalJSON())
            for text in [awsText, cephText] {
                #expect(!text.contains(cephSecret) && !text.contains(awsSecret) && !text.contains("CEPHKEY"), "the keys stay in the Secret")
            }
            #expect(awsText.contains("${header.PrincipalId} == 'AWS:\(uniqueID)'"), "the loop check names the provisioned user as AWS writes it")
            #expect(!awsText.contains("'rciis-ceph-s3-replicator'"), "not the user's name, which never appears in events")
            #expect(cephText.contains("${header.PrincipalId} == 's3-replicator'"), "the Ceph uid the AWS-side route writes as")
            #expect(awsText.contains("java.net.URLDecoder"), "AWS keys are decoded")
            #expect(cephText.contains("\"uri\":\"aws2-s3:rciis-ceph-replica-af-south-1\""), "Ceph -> AWS writes to the replica bucket")
            #expect(cephText.contains("\"autoCommitEnable\":\"false\"") && cephText.contains("CamelKafkaManualCommit.commit()"))
            #expect(fromAWS["metadata"]["annotations"]["camel.apache.org/operator.id"] == .string("camel-k-operator"))
            let secret = decodedData(try await kube.get(Self.object("v1", "Secret", aws, "tandem-aws-to-ceph-replicator-config")))
            #expect(secret["target-secret-key"] == cephSecret && secret["source-secret-key"] == awsSecret)
            #expect(try await example.planIsQuiet())

            // Someone edits an Integration around Tandem: the plan shows the replicator to update, apply takes it back.
            let edit = try client(cluster, manager: "kubectl-edit")
            _ = try await edit.apply(.map(["apiVersion": .string("camel.apache.org/v1"), "kind": .string("Integration"),
                                           "metadata": .map(["name": .string(awsToCeph.name), "namespace": .string(aws)]),
                                           "spec": .map(["traits": .map(["container": .map(["limitMemory": .string("2Gi")])])])]), force: true)
            let drift = try await example.run(["plan", "--detailed-exitcode"])
            #expect(drift.exitCode == 2 && drift.stdout.contains("tandem_replicator.aws_to_ceph"), "\(drift.stdout)\n\(drift.stderr)")
            _ = try await example.apply()
            #expect(try await kube.get(awsToCeph)?["spec"]["traits"]["container"]["limitMemory"] == .string("512Mi"))
            #expect(try await example.planIsQuiet())

            let destroyed = try await example.destroy()
            #expect(destroyed.contains("Resources: 10 destroyed"), "\(destroyed)")
            for reference in [cephToAWS, awsToCeph] { #expect(try await kube.get(reference) == nil) }
            #expect(try await kube.get(Self.object("v1", "Secret", aws, "tandem-aws-to-ceph-replicator-config")) == nil)
        }
    }

    /// Seed 000's Camel K kinds: an Integration mounting a Secret, applied after it (Camel K's `secret:NAME` mount
    /// reference orders them) and waited for until the operator (played by the test) reports it Running.
    @Test func aCamelKIntegrationWaitsForItsSecretAndForRunning() async throws {
        let cluster = try await KubeCluster.shared()
        let namespace = "camel-\(UUID().uuidString.prefix(6).lowercased())"
        try await makeNamespace(namespace, on: try client(cluster))
        let camelK = try OperatorStandIn(cluster, duties: [
            .status(Self.object("camel.apache.org/v1", "Integration", namespace, "ceph-to-aws-replicator"), .map(["phase": .string("Running")])),
        ])
        defer { camelK.stop() }
        let example = try Example("rbd-mirror", variables: [:])
        defer { example.remove() }
        try FileManager.default.removeItem(atPath: example.tandem.directory + "/csi-addons")
        try """
        providers:
          kubernetes: {kubeconfig: "\(cluster.adminTokenKubeconfig)", namespace: \(namespace)}
        resources:
          kubernetes_secret.aws:
            name: aws-s3-credentials
            data: {access-key: AKIAEXAMPLE, secret-key: camel-secret-value}
          kubernetes_manifest.integration:
            wait_for: ready
            manifest:
              apiVersion: camel.apache.org/v1
              kind: Integration
              metadata:
                name: ceph-to-aws-replicator
                annotations: {camel.apache.org/operator.id: camel-k-operator}
              spec:
                dependencies: ["camel:kafka", "camel:aws2-s3"]
                traits:
                  mount: {configs: ["secret:aws-s3-credentials"]}
                  container: {requestMemory: 256Mi, limitMemory: 512Mi}
                flows:
                  - from:
                      uri: "kafka:s3-replication-topic"
                      steps:
                        - to: {uri: "aws2-s3://ignored", parameters: {operation: putObject, region: af-south-1}}
        """.write(toFile: example.tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let output = try await example.apply()
        #expect(!output.contains("camel-secret-value"))
        let secretDone = try #require(output.range(of: "kubernetes_secret.aws: Created after"))
        let integrationStarted = try #require(output.range(of: "kubernetes_manifest.integration: Creating..."))
        #expect(secretDone.lowerBound < integrationStarted.lowerBound, "the mounted Secret exists first:\n\(output)")
        #expect(output.contains("waiting for Integration \(namespace)/ceph-to-aws-replicator to be ready"), "\(output)")
        #expect(try await example.planIsQuiet())
        _ = try await example.destroy()
        #expect(try await client(cluster).get(Self.object("camel.apache.org/v1", "Integration", namespace, "ceph-to-aws-replicator")) == nil)
    }
}
