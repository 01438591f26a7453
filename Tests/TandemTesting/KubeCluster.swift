import Foundation

/// A real Kubernetes API server (kube-apiserver v1.20.2, RBAC on, backed by its own etcd) on 127.0.0.1, started
/// through `scripts/kube-cluster` and stopped by that script's watcher when the test process exits.
///
/// - `shared()`: one per process, with every CustomResourceDefinition of ``crdDirectory()`` Established.
/// - `start(label:crds:)`: a cluster of its own (about 4 s, 300 MiB), for tests that need a second one.
///
/// The first use on a machine builds kube-apiserver from Debian's source package (about 4-5 minutes; cached under
/// `~/.cache/tandem`). Tests fail (never skip) with the script's output when it cannot be installed or started.
public final class KubeCluster: Sendable {
    /// The cluster's run directory (certificates, tokens, kubeconfigs, logs, pid files), mode 0700.
    public let runDirectory: String
    /// The API server's URL, `https://127.0.0.1:PORT`.
    public let serverURL: String
    /// The PEM file of the CA that signed the server's certificate (and the client certificates).
    public let caFile: String
    /// A kubeconfig for the admin (group `system:masters`) by bearer token.
    public let adminTokenKubeconfig: String
    /// A kubeconfig for the admin by client certificate, as `client-certificate`/`client-key` files.
    public let adminCertificateKubeconfig: String
    /// A kubeconfig for the admin by client certificate, embedded as `client-certificate-data`/`client-key-data`.
    public let adminEmbeddedKubeconfig: String
    /// A kubeconfig for `tandem-user` by bearer token: authenticated, with no RBAC grants (403 beyond discovery).
    public let unprivilegedTokenKubeconfig: String
    /// A kubeconfig for `tandem-user` by client certificate files.
    public let unprivilegedCertificateKubeconfig: String
    /// The admin's bearer token.
    public let adminToken: String

    private init(runDirectory: String, settings: [String: String]) throws {
        func setting(_ key: String) throws -> String {
            guard let value = settings[key], !value.isEmpty else {
                throw TestScriptError("scripts/kube-cluster start wrote no \(key) to \(runDirectory)/cluster.env")
            }
            return value
        }
        self.runDirectory = runDirectory
        serverURL = try setting("KUBE_SERVER")
        caFile = try setting("KUBE_CA_FILE")
        adminTokenKubeconfig = try setting("KUBECONFIG_ADMIN_TOKEN")
        adminCertificateKubeconfig = try setting("KUBECONFIG_ADMIN_CERT")
        adminEmbeddedKubeconfig = try setting("KUBECONFIG_ADMIN_DATA")
        unprivilegedTokenKubeconfig = try setting("KUBECONFIG_USER_TOKEN")
        unprivilegedCertificateKubeconfig = try setting("KUBECONFIG_USER_CERT")
        adminToken = try String(contentsOfFile: try setting("KUBE_ADMIN_TOKEN_FILE"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let withCRDs = Task<KubeCluster, any Error> {
        try await start(label: "shared", crds: [try crdDirectory()])
    }

    /// The process's cluster with the CRDs of ``crdDirectory()`` loaded, started on first use.
    public static func shared() async throws -> KubeCluster {
        try await withCRDs.value
    }

    /// The directory of the real CustomResourceDefinitions the tests load: `TANDEM_CRDS` when set, otherwise
    /// `../shared/crds` next to the repository. Throws when it does not exist (the tests never use copies).
    public static func crdDirectory() throws -> String {
        let environment = ProcessInfo.processInfo.environment["TANDEM_CRDS"] ?? ""
        let directory = environment.isEmpty
            ? TestScript.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/crds").standardizedFileURL.path
            : environment
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TestScriptError("the CRD directory \(directory) does not exist: set TANDEM_CRDS to the directory of the "
                                  + "CustomResourceDefinitions the Kubernetes tests load (by default ../shared/crds next to the repository)")
        }
        return directory
    }

    /// Starts a new cluster; `label` names its run directory, `crds` are files or directories of CRDs to load. The
    /// cluster is stopped and deleted once process `watching` (this test process by default) has exited.
    public static func start(label: String, crds: [String] = [],
                             watching: Int32 = ProcessInfo.processInfo.processIdentifier) async throws -> KubeCluster {
        // Clusters of test processes that died without their watcher are stopped before their files go.
        let base = try await TestScript.runDirectory(prefix: "tandem-kube-\(label)-") { stale in
            try? await script(["stop", "--run-dir", stale.appendingPathComponent("cluster").path], log: stale.appendingPathComponent("stop.stderr"))
        }
        let runDirectory = base.appendingPathComponent("cluster").path
        var arguments = ["start", "--run-dir", runDirectory, "--watch-pid", String(watching)]
        for path in crds { arguments += ["--crds", path] }
        try await script(arguments, log: base.appendingPathComponent("kube-cluster.stderr"))
        let lines = try String(contentsOfFile: runDirectory + "/cluster.env", encoding: .utf8).split(separator: "\n")
        let settings = Dictionary(lines.compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
        return try KubeCluster(runDirectory: runDirectory, settings: settings)
    }

    /// The process ids of the cluster's kube-apiserver, etcd and watcher (empty once stopped).
    public var processIdentifiers: [Int32] {
        ["kube-apiserver", "etcd", "watcher"].compactMap { name in
            (try? String(contentsOfFile: "\(runDirectory)/pid/\(name).pid", encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// Stops the API server, then etcd, and deletes the run directory. Not for ``shared()``, which the watcher stops.
    public func stop() async throws {
        try await Self.script(["stop", "--run-dir", runDirectory, "--wipe"],
                              log: URL(fileURLWithPath: runDirectory).deletingLastPathComponent().appendingPathComponent("stop.stderr"))
    }

    private static func script(_ arguments: [String], log: URL) async throws {
        let script = TestScript.repositoryRoot.appendingPathComponent("scripts/kube-cluster").path
        let (_, status) = try await TestScript.run("/bin/bash", arguments: [script] + arguments, stderr: log)
        guard status == 0 else {
            throw TestScriptError("scripts/kube-cluster \(arguments.first ?? "") exited with status \(status):\n\(TestScript.tail(log, lines: 30))\n"
                                  + "Run scripts/kube-cluster install by hand to see why (it installs etcd-server and builds kube-apiserver "
                                  + "v1.20.2 from Debian's source package).")
        }
    }
}
