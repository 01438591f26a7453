import ChildProcess
import Foundation

/// A client-go credential plugin (`users[].user.exec`): a program that prints an `ExecCredential` with a token or a
/// client certificate, as `aws eks get-token`, `kubelogin` and `gke-gcloud-auth-plugin` do.
public struct ExecPlugin: Sendable {
    /// The `ExecCredential` API versions understood.
    static let apiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    /// The program, looked up on `PATH`.
    public let command: String
    let arguments: [String]
    let variables: [(String, String)]
    let apiVersion: String
    let installHint: String?
    let user: String
    let clusterInfo: [String: String]?

    init(_ config: Kubeconfig.ExecConfig, user: String, cluster: Kubeconfig.Cluster, server: String) throws {
        let version = config.apiVersion ?? ""
        guard Self.apiVersions.contains(version) else {
            throw KubeconfigError("the exec plugin of user \"\(user)\" asks for apiVersion \"\(version)\"; supported: \(Self.apiVersions.joined(separator: ", "))")
        }
        if version.hasSuffix("/v1") && config.interactiveMode == nil {
            throw KubeconfigError("the exec plugin of user \"\(user)\" must set interactiveMode (Never, IfAvailable or Always) with \(version)")
        }
        if config.interactiveMode == "Always" {
            throw KubeconfigError("the exec plugin of user \"\(user)\" needs a terminal (interactiveMode: Always); tandem runs plugins without one")
        }
        command = config.command
        arguments = config.args ?? []
        variables = (config.env ?? []).map { ($0.name, $0.value) }
        apiVersion = version
        installHint = config.installHint
        self.user = user
        clusterInfo = config.provideClusterInfo == true
            ? ["server": server, "certificate-authority-data": cluster.certificateAuthorityData ?? "",
               "tls-server-name": cluster.tlsServerName ?? ""].filter { !$0.value.isEmpty }
            : nil
    }

    /// The credential a plugin printed.
    struct Credential: Sendable {
        var token: String?
        var identity: ClientIdentity?
        var expiry: Date?
    }

    /// The longest a plugin may run.
    static let timeout: Duration = .seconds(60)

    /// Runs the plugin with the parent's environment plus its own variables and `KUBERNETES_EXEC_INFO`, and reads its
    /// `ExecCredential`. Errors quote the plugin's standard error, never its output (which holds the credential).
    func run(environment: [String: String]) async throws -> Credential {
        var spec: [String: Any] = ["interactive": false]
        if let clusterInfo { spec["cluster"] = clusterInfo }
        let info: [String: Any] = ["apiVersion": apiVersion, "kind": "ExecCredential", "spec": spec]
        var childEnvironment = environment
        for (name, value) in variables { childEnvironment[name] = value }
        childEnvironment["KUBERNETES_EXEC_INFO"] = String(decoding: try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys]), as: UTF8.self)
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run([command] + arguments, environment: childEnvironment, timeout: Self.timeout,
                                                 outputLimit: 1024 * 1024)
        } catch {
            throw KubernetesAuthError("the exec plugin \(command) of user \"\(user)\" could not run: \(error)" + (installHint.map { "\n\($0)" } ?? ""))
        }
        guard outcome.status == 0 else {
            let detail = outcome.standardError.trimmingCharacters(in: .whitespacesAndNewlines).suffix(2000)
            throw KubernetesAuthError("the exec plugin \(command) of user \"\(user)\" exited with status \(outcome.status)"
                                      + (detail.isEmpty ? "" : ": \(detail)") + (outcome.status == 127 ? (installHint.map { "\n\($0)" } ?? "") : ""))
        }
        return try parse(outcome.standardOutput)
    }

    func parse(_ output: [UInt8]) throws -> Credential {
        struct Document: Decodable {
            struct Status: Decodable {
                var token: String?
                var clientCertificateData: String?
                var clientKeyData: String?
                var expirationTimestamp: String?
            }
            var apiVersion: String?
            var kind: String?
            var status: Status?
        }
        let fail = { (why: String) in KubernetesAuthError("the exec plugin \(command) of user \"\(user)\" printed no usable ExecCredential: \(why)") }
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(output)) else { throw fail("its output is not JSON") }
        guard document.kind == "ExecCredential" else { throw fail("kind is \(document.kind ?? "missing")") }
        guard document.apiVersion == apiVersion else { throw fail("apiVersion \(document.apiVersion ?? "missing") differs from the kubeconfig's \(apiVersion)") }
        guard let status = document.status else { throw fail("no status") }
        var credential = Credential()
        credential.token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        if let certificate = status.clientCertificateData, let key = status.clientKeyData {
            credential.identity = ClientIdentity(certificatePEM: Array(certificate.utf8), keyPEM: Array(key.utf8), source: "the exec plugin \(command)")
        } else if status.clientCertificateData != nil || status.clientKeyData != nil {
            throw fail("a client certificate without its key, or a key without its certificate")
        }
        guard credential.token != nil || credential.identity != nil else { throw fail("neither a token nor a client certificate") }
        if let expiry = status.expirationTimestamp {
            guard let date = ISO8601DateFormatter().date(from: expiry) else { throw fail("expirationTimestamp \(expiry) is not RFC 3339") }
            credential.expiry = date
        }
        return credential
    }
}

/// A credential that could not be obtained (an exec plugin failed, a token file is unreadable).
public struct KubernetesAuthError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; never the credential.
    public let description: String

    init(_ description: String) { self.description = description }
}
