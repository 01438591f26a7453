import Foundation
import TandemCore
import TandemEngine
import TandemReplicator

/// The runtime configuration as a pod of a runtime kubernetes replicator gets it, made from the one apply built on
/// this machine: the pod listens on every address at the configured port, keeps its journals under its state
/// volume, and reads the endpoints' CA bundles from its Secret (their PEM copied from this machine's files). What the
/// pod's copy replaced is recorded as annotations of the Secret, so reading it back gives the configuration as written
/// and a re-plan is quiet.
struct PodConfiguration {
    /// The pod's configuration file.
    var document = Data()
    /// The port it listens on.
    var port = 0
    /// Further files of the Secret (mounted beside the configuration): `source-ca.pem`, `target-ca.pem`.
    var files: [String: String] = [:]
    /// The Secret's annotations: the configured listen address and CA bundle paths.
    var annotations: [String: String] = [:]

    private static let caAnnotation = "tandem.dev/%@-ca-bundle"

    /// The pod's copy of `configuration`; throws when it has no `listen` port or a CA bundle cannot be read.
    init(_ configuration: Data) throws {
        guard var object = try JSONSerialization.jsonObject(with: configuration) as? [String: Any], let listen = object["listen"] as? String,
              let port = listen.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw ProviderError("the replicator configuration has no listen HOST:PORT")
        }
        self.port = port
        annotations[KubernetesReplicatorManifests.listenAnnotation] = listen
        object["listen"] = "0.0.0.0:\(port)"
        object["state_directory"] = KubernetesReplicatorManifests.stateDirectory
        if var pipelines = object["pipelines"] as? [[String: Any]], var pipeline = pipelines.first {
            // The source is an endpoint; the target holds one under "endpoint".
            if var source = pipeline["source"] as? [String: Any] {
                try mountCABundle(of: "source", in: &source)
                pipeline["source"] = source
            }
            if var target = pipeline["target"] as? [String: Any], var endpoint = target["endpoint"] as? [String: Any] {
                try mountCABundle(of: "target", in: &endpoint)
                target["endpoint"] = endpoint
                pipeline["target"] = target
            }
            pipelines[0] = pipeline
            object["pipelines"] = pipelines
        }
        document = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private mutating func mountCABundle(of side: String, in endpoint: inout [String: Any]) throws {
        guard let path = endpoint["ca_bundle"] as? String else { return }
        do {
            files["\(side)-ca.pem"] = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ProviderError("\(side).ca_bundle \(path) cannot be read: \(error.localizedDescription)", attributePath: "\(side).ca_bundle")
        }
        endpoint["ca_bundle"] = (KubernetesReplicatorManifests.configurationPath as NSString).deletingLastPathComponent + "/\(side)-ca.pem"
        annotations[String(format: Self.caAnnotation, side)] = path
    }

    /// True when a CA bundle file on this machine no longer holds the PEM the `secret` gave the pods (the pods then
    /// run with a stale copy; a file that cannot be read here changes nothing).
    static func caBundlesChanged(_ secret: Value) -> Bool {
        ["source", "target"].contains { side in
            guard let path = secret["metadata"]["annotations"][String(format: caAnnotation, side)].stringValue,
                  let local = try? Data(contentsOf: URL(fileURLWithPath: path)) else { return false }
            return secret["data"]["\(side)-ca.pem"].stringValue.flatMap { Data(base64Encoded: $0) } != local
        }
    }

    /// The configuration as it was written, from the pod's copy and the Secret's `annotations`.
    static func restore(_ configuration: inout ReplicatorConfiguration, annotations: Value) {
        if let listen = annotations[KubernetesReplicatorManifests.listenAnnotation].stringValue { configuration.listen = listen }
        guard !configuration.pipelines.isEmpty else { return }
        if let path = annotations[String(format: caAnnotation, "source")].stringValue { configuration.pipelines[0].source.caBundle = path }
        if let path = annotations[String(format: caAnnotation, "target")].stringValue { configuration.pipelines[0].target.endpoint.caBundle = path }
    }
}
