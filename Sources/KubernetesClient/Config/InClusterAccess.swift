import Foundation
import TLSTrust

/// The access of a pod's service account: `KUBERNETES_SERVICE_HOST`/`_PORT`, the token (re-read on every use, as it
/// rotates), the cluster CA and the pod's namespace from `/var/run/secrets/kubernetes.io/serviceaccount`.
enum InClusterAccess {
    static let directory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Nil outside a pod.
    static func load(environment: [String: String]) throws -> ClusterAccess? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"],
              FileManager.default.fileExists(atPath: directory + "/token") else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(hostPart):\(port)") else { return nil }
        guard let ca = FileManager.default.contents(atPath: directory + "/ca.crt") else {
            throw KubeconfigError("in-cluster: \(directory)/ca.crt cannot be read")
        }
        let base = try TLSTrust.resolve(caBundle: nil, environment: environment)
        let namespace = (try? String(contentsOfFile: directory + "/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ClusterAccess(
            contextName: "in-cluster", server: server, namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            trust: try TLSTrust(systemRoots: base.systemRoots, pem: Array(ca), source: directory + "/ca.crt"),
            skipsTLSVerification: false, tlsServerName: nil, clientIdentity: nil,
            credential: .tokenFile(directory + "/token"), proxy: nil)
    }
}
