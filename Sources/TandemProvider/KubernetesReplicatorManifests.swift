import Crypto
import Foundation
import TandemCore

/// The objects a `tandem_replicator` with `runtime: kubernetes` is made of, computed from its settings and runtime
/// configuration (nothing here talks to a cluster): a Secret holding the configuration (mounted read-only, mode
/// 0400), the workload running `tandem replicator run` (non-root, read-only root filesystem, `/healthz` and
/// `/readyz` probes, the configuration's hash on the pod template so a changed pipeline rolls it), a Service for
/// `/metrics` and pushes, a PodMonitor, and a PrometheusRule with the pipeline's alerts (``ReplicatorAlerts``).
///
/// The workload is a Deployment, whose pods keep nothing (SQS and Kafka hold the work not yet done), or, for a pipeline
/// of pushed events, a StatefulSet whose pods each journal on a volume of their own: a pod that goes away with
/// accepted events not yet copied comes back (same name, same volume) and drains them at start.
struct KubernetesReplicatorManifests {
    /// The `kubernetes` settings of the resource.
    let settings: KubernetesReplicatorSettings
    /// The objects' base name (DNS-1123), from the pipeline name.
    let name: String
    /// The pipeline (for alert labels).
    let pipeline: String
    /// The port the replicator listens on in the pod.
    let port: Int

    /// Where the pod keeps push journals and dead letters (an emptyDir).
    static let stateDirectory = "/var/lib/tandem/state"
    /// Where the configuration Secret is mounted.
    static let configurationPath = "/etc/tandem/replicator.json"
    /// The pod template's annotation holding the configuration's SHA-256 (a new one rolls the pods).
    static let hashAnnotation = "tandem.dev/configuration-sha256"
    /// The Deployment's annotation holding the `kubernetes` settings as applied (read back for drift).
    static let settingsAnnotation = "tandem.dev/settings"
    /// The Secret's annotation holding the configured `listen` (the pods listen on 0.0.0.0 at its port).
    static let listenAnnotation = "tandem.dev/listen"

    /// The Kubernetes name for a pipeline name: lowercase, `_` and `.` as `-`, prefixed `tandem-`.
    static func objectName(pipeline: String) -> String {
        "tandem-" + pipeline.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    private var labels: Value {
        .map(["app.kubernetes.io/name": .string("tandem-replicator"), "app.kubernetes.io/instance": .string(name),
              "app.kubernetes.io/managed-by": .string("tandem")])
    }

    /// Metadata of one of the replicator's objects: its name, the settings' namespace, the replicator's labels.
    func metadata(_ objectName: String, annotations: [String: String] = [:]) -> Value {
        var entries: [String: Value] = ["name": .string(objectName), "namespace": .string(settings.namespace), "labels": labels]
        if !annotations.isEmpty { entries["annotations"] = .map(annotations.mapValues(Value.string)) }
        return .map(entries)
    }

    /// The configuration Secret: `annotations` record what the configuration was written with (``PodConfiguration``),
    /// `also` are further keys (CA bundles mounted beside the configuration; the keys Camel K's Integration reads).
    func secret(configuration: Data, annotations: [String: String] = [:], also: [String: String] = [:]) -> Value {
        var data = also.mapValues { Value.string(Data($0.utf8).base64EncodedString()) }
        data["replicator.json"] = .string(configuration.base64EncodedString())
        return .map(["apiVersion": .string("v1"), "kind": .string("Secret"), "type": .string("Opaque"),
                     "metadata": metadata(name + "-config", annotations: annotations), "data": .map(data)])
    }

    /// The SHA-256 of the configuration, hex.
    static func hash(_ configuration: Data) -> String {
        SHA256.hash(data: configuration).map { String(format: "%02x", $0) }.joined()
    }

    /// The workload's kind: a StatefulSet when pods journal pushed events (`journalBytes` set), else a Deployment.
    static func workloadKind(journaled: Bool) -> String { journaled ? "StatefulSet" : "Deployment" }

    /// The volume size a pod's journal and dead letters fill at most (`journalBytes`), with a quarter and 16 MiB to spare.
    static func volumeSize(journalBytes: Int) -> String {
        "\((journalBytes + journalBytes / 4 + (1 << 20) - 1) / (1 << 20) + 16)Mi"
    }

    private var selector: Value {
        .map(["app.kubernetes.io/name": .string("tandem-replicator"), "app.kubernetes.io/instance": .string(name)])
    }

    /// The workload: `replicas` pods when running, none when stopped; a StatefulSet with a state volume per pod of
    /// ``volumeSize(journalBytes:)`` when `journalBytes` (the push journal's and dead letters' bounds) is given.
    func workload(configuration: Data, running: Bool, journalBytes: Int? = nil) throws -> Value {
        let probe = { (path: String) -> Value in
            .map(["httpGet": .map(["path": .string(path), "port": .string("http")]), "periodSeconds": .number(10), "failureThreshold": .number(3)])
        }
        let container: Value = .map([
            "name": .string("replicator"), "image": .string(settings.image ?? ""),
            "args": .list(["replicator", "run", "--config", Self.configurationPath].map(Value.string)),
            "ports": .list([.map(["name": .string("http"), "containerPort": .number(Double(port)), "protocol": .string("TCP")])]),
            "readinessProbe": probe("/readyz"), "livenessProbe": probe("/healthz"),
            "resources": .map(["requests": .map(["cpu": .string(settings.cpu), "memory": .string(settings.memory)]),
                               "limits": .map(["memory": .string(settings.memory)])]),
            "securityContext": .map(["runAsNonRoot": .bool(true), "readOnlyRootFilesystem": .bool(true), "allowPrivilegeEscalation": .bool(false),
                                     "capabilities": .map(["drop": .list([.string("ALL")])])]),
            "volumeMounts": .list([
                .map(["name": .string("configuration"), "mountPath": .string("/etc/tandem"), "readOnly": .bool(true)]),
                .map(["name": .string("state"), "mountPath": .string("/var/lib/tandem")]),
                // The root filesystem is read-only; anything that writes a temporary file gets a small scratch volume.
                .map(["name": .string("tmp"), "mountPath": .string("/tmp")]),
            ]),
        ])
        let settingsJSON = try settings.value.canonicalJSON()
        var volumes: [Value] = [
            .map(["name": .string("configuration"), "secret": .map(["secretName": .string(name + "-config"), "defaultMode": .number(0o400)])]),
            .map(["name": .string("tmp"), "emptyDir": .map(["sizeLimit": .string("64Mi")])]),
        ]
        var spec: [String: Value] = ["replicas": .number(Double(running ? settings.replicas : 0)), "selector": .map(["matchLabels": selector])]
        if let journalBytes {
            var claim: [String: Value] = ["accessModes": .list([.string("ReadWriteOnce")]),
                                          "resources": .map(["requests": .map(["storage": .string(Self.volumeSize(journalBytes: journalBytes))])])]
            if let storageClass = settings.storageClass { claim["storageClassName"] = .string(storageClass) }
            spec["serviceName"] = .string(name)
            spec["podManagementPolicy"] = .string("Parallel")
            spec["volumeClaimTemplates"] = .list([.map(["metadata": .map(["name": .string("state"), "labels": labels]), "spec": .map(claim)])])
        } else {
            volumes.insert(.map(["name": .string("state"), "emptyDir": .map([:])]), at: 1)
        }
        spec["template"] = .map([
            "metadata": .map(["labels": labels, "annotations": .map([Self.hashAnnotation: .string(Self.hash(configuration))])]),
            "spec": .map([
                "securityContext": .map(["runAsNonRoot": .bool(true), "runAsUser": .number(65532), "runAsGroup": .number(65532), "fsGroup": .number(65532)]),
                "automountServiceAccountToken": .bool(false),
                "terminationGracePeriodSeconds": .number(60),
                "containers": .list([container]),
                "volumes": .list(volumes),
            ]),
        ])
        return .map([
            "apiVersion": .string("apps/v1"), "kind": .string(Self.workloadKind(journaled: journalBytes != nil)),
            "metadata": metadata(name, annotations: [Self.settingsAnnotation: settingsJSON]),
            "spec": .map(spec),
        ])
    }

    /// The Service in front of the pods: `/metrics` and the push endpoint.
    var service: Value {
        .map(["apiVersion": .string("v1"), "kind": .string("Service"), "metadata": metadata(name),
              "spec": .map(["selector": selector,
                            "ports": .list([.map(["name": .string("http"), "port": .number(Double(port)), "targetPort": .string("http"), "protocol": .string("TCP")])])])])
    }

    /// The PodMonitor scraping every pod's `/metrics`.
    var podMonitor: Value {
        .map(["apiVersion": .string("monitoring.coreos.com/v1"), "kind": .string("PodMonitor"), "metadata": metadata(name),
              "spec": .map(["selector": .map(["matchLabels": selector]),
                            "podMetricsEndpoints": .list([.map(["port": .string("http"), "path": .string("/metrics")])])])])
    }

    /// The PrometheusRule with the pipeline's alerts.
    var prometheusRule: Value {
        .map(["apiVersion": .string("monitoring.coreos.com/v1"), "kind": .string("PrometheusRule"), "metadata": metadata(name + "-alerts"),
              "spec": .map(["groups": .list([ReplicatorAlerts(pipeline: pipeline, namespace: settings.namespace, podPrefix: name,
                                                              settings: settings.alerts).group])])])
    }

    /// The in-cluster address of the Service.
    var endpoint: String { "http://\(name).\(settings.namespace).svc:\(port)" }
}
