import Foundation
import TandemTesting
import Testing
import TLSTrust
import Yams

/// The test cluster itself (`scripts/kube-cluster` through `KubeCluster`): a real kube-apiserver that authenticates
/// and authorises, trusts only its own CA, serves every CRD of the shared directory, and leaves nothing running.
@Suite struct KubeClusterFixtureTests {
    @Test func readyzAnswersThroughTheCAAndTheAdminTokenListsNamespaces() async throws {
        let cluster = try await KubeCluster.shared()
        let ready = try await cluster.get("/readyz")
        #expect(ready.status == 200)
        #expect(String(decoding: ready.body, as: UTF8.self) == "ok")

        let namespaces = try await cluster.get("/api/v1/namespaces")
        #expect(namespaces.status == 200)
        let names = try #require(try namespaces.json()["items"] as? [[String: Any]]).compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }
        #expect(names.contains("default") && names.contains("kube-system"))

        // The token is what lets the admin in: without it the same request is refused.
        #expect(try await cluster.get("/api/v1/namespaces", as: .anonymous).status == 403)
        #expect(try await cluster.get("/api/v1/namespaces", as: .token(String(repeating: "0", count: 64))).status == 401)
    }

    @Test func theUnprivilegedTokenIsForbiddenToListNamespaces() async throws {
        let cluster = try await KubeCluster.shared()
        let token = try #require(try kubeconfigUser(cluster.unprivilegedTokenKubeconfig)["token"] as? String)
        let response = try await cluster.get("/api/v1/namespaces", as: .token(token))
        #expect(response.status == 403)
        let status = try response.json()
        #expect(status["reason"] as? String == "Forbidden")
        #expect((status["message"] as? String)?.contains(#"User "tandem-user" cannot list resource "namespaces""#) == true,
                "authenticated as tandem-user, refused by RBAC: \(status)")
    }

    /// Each kubeconfig names the server and the CA, is 0600 in a 0700 directory, and its credential (token, certificate
    /// files, embedded certificate) authenticates as its user: the admin lists namespaces, the unprivileged user gets 403.
    @Test func everyKubeconfigAuthenticatesAsItsUser() async throws {
        let cluster = try await KubeCluster.shared()
        let kubeconfigs = [(cluster.adminTokenKubeconfig, 200), (cluster.adminCertificateKubeconfig, 200), (cluster.adminEmbeddedKubeconfig, 200),
                           (cluster.unprivilegedTokenKubeconfig, 403), (cluster.unprivilegedCertificateKubeconfig, 403)]
        #expect(try permissions(cluster.runDirectory) == 0o700)
        for (path, expectedStatus) in kubeconfigs {
            #expect(try permissions(path) == 0o600, "\(path)")
            let document = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
            let clusterEntry = try #require(((document["clusters"] as? [[String: Any]])?.first?["cluster"]) as? [String: Any])
            #expect(clusterEntry["server"] as? String == cluster.serverURL)
            #expect(clusterEntry["certificate-authority"] as? String == cluster.caFile)
            let response = try await cluster.get("/api/v1/namespaces", as: try credential(kubeconfigUser(path)))
            #expect(response.status == expectedStatus, "\(path)")
        }
        #expect(try kubeconfigUser(cluster.adminTokenKubeconfig)["token"] as? String == cluster.adminToken)
    }

    /// The tokens live in 0600 files only: no process on the machine (etcd, kube-apiserver, the watcher) has one in
    /// its arguments.
    @Test func noProcessHasATokenInItsArguments() async throws {
        let cluster = try await KubeCluster.shared()
        let userToken = try #require(try kubeconfigUser(cluster.unprivilegedTokenKubeconfig)["token"] as? String)
        #expect(cluster.processIdentifiers.count == 3)
        let processes = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { $0.allSatisfy(\.isNumber) }
        for pid in processes {
            guard let arguments = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let text = String(decoding: arguments, as: UTF8.self)
            #expect(!text.contains(cluster.adminToken) && !text.contains(userToken), "process \(pid) has a token in its arguments")
        }
    }

    @Test func aServerCertificateFromAnotherCAIsRefused() async throws {
        let cluster = try await KubeCluster.shared()
        let authority = try await TestCertificateAuthority.make(commonName: "Not The Cluster CA")
        defer { authority.remove() }
        do {
            let response = try await cluster.send(.GET, "/readyz", trustedCAFile: authority.caCertificatePath)
            Issue.record("the server was trusted through another CA: HTTP \(response.status)")
        } catch {
            let failure = try #require(TLSHandshakeFailure(error), "not a TLS handshake failure: \(error)")
            #expect(failure.isCertificateRefused, "\(failure)")
        }
    }

    /// Every CustomResourceDefinition in the shared directory's YAML (read here with Yams, apart from the script's
    /// loader) is served and Established, and no other is.
    @Test func everySharedCRDIsEstablished() async throws {
        let cluster = try await KubeCluster.shared()
        let expected = try crdNames(under: KubeCluster.crdDirectory())
        #expect(!expected.isEmpty)
        let response = try await cluster.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
        #expect(response.status == 200)
        let items = try #require(try response.json()["items"] as? [[String: Any]])
        var established: Set<String> = []
        for item in items {
            let name = try #require((item["metadata"] as? [String: Any])?["name"] as? String)
            let conditions = ((item["status"] as? [String: Any])?["conditions"] as? [[String: Any]]) ?? []
            if conditions.contains(where: { $0["type"] as? String == "Established" && $0["status"] as? String == "True" }) {
                established.insert(name)
            }
        }
        #expect(established == expected, "missing: \(expected.subtracting(established).sorted()); unexpected: \(established.subtracting(expected).sorted())")
    }

    /// A custom resource is stored (the server survives the write that crashed the unpatched reflect2) and its status
    /// is written through the `/status` subresource, as an operator would.
    @Test func aCustomResourceAndItsStatusAreWritten() async throws {
        let cluster = try await KubeCluster.shared()
        let namespace = "fixture-\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await cluster.post("/api/v1/namespaces", json: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": namespace]])
        #expect(created.status == 201)
        let users = "/apis/ceph.rook.io/v1/namespaces/\(namespace)/cephobjectstoreusers"
        let user: [String: Any] = ["apiVersion": "ceph.rook.io/v1", "kind": "CephObjectStoreUser",
                                   "metadata": ["name": "replicator"], "spec": ["store": "my-store", "displayName": "Replicator"]]
        #expect(try await cluster.post(users, json: user).status == 201)
        let patched = try await cluster.mergePatch(users + "/replicator/status", json: ["status": ["phase": "Ready"]])
        #expect(patched.status == 200)
        let read = try await cluster.get(users + "/replicator").json()
        #expect((read["status"] as? [String: Any])?["phase"] as? String == "Ready")
        #expect((read["spec"] as? [String: Any])?["displayName"] as? String == "Replicator")
        #expect(try await cluster.get("/readyz").status == 200)
    }

    @Test func twoClustersRunAtOnceAndStopCleanly() async throws {
        let shared = try await KubeCluster.shared()
        let second = try await KubeCluster.start(label: "fixture-second")
        #expect(second.serverURL != shared.serverURL)
        #expect(try await second.get("/readyz").status == 200)
        #expect(try await shared.get("/readyz").status == 200)
        // Each cluster has its own CA: the second's server is not trusted through the first's.
        await #expect(throws: (any Error).self) { try await second.send(.GET, "/readyz", trustedCAFile: shared.caFile) }

        let processes = second.processIdentifiers
        #expect(processes.count == 3, "kube-apiserver, etcd and the watcher: \(processes)")
        #expect(processes.allSatisfy(isRunning))
        try await second.stop()
        #expect(processes.filter(isRunning).isEmpty, "still running: \(processes.filter(isRunning))")
        #expect(!FileManager.default.fileExists(atPath: second.runDirectory))
        #expect(try await shared.get("/readyz").status == 200)
    }

    /// The watcher: once the process a cluster watches is killed, the cluster's processes and files go without a stop.
    @Test func aKilledWatchedProcessLeavesNothingBehind() async throws {
        let watched = Process()
        watched.executableURL = URL(fileURLWithPath: "/bin/sleep")
        watched.arguments = ["600"]
        try watched.run()
        let cluster = try await KubeCluster.start(label: "fixture-watched", watching: watched.processIdentifier)
        let processes = cluster.processIdentifiers
        #expect(processes.count == 3 && processes.allSatisfy(isRunning), "\(processes)")

        kill(watched.processIdentifier, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(watched.processIdentifier, &status, 0)  // a zombie would still count as running for the watcher
        let deadline = ContinuousClock.now + .seconds(60)
        while (!processes.filter(isRunning).isEmpty || FileManager.default.fileExists(atPath: cluster.runDirectory)) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(processes.filter(isRunning).isEmpty, "still running: \(processes.filter(isRunning))")
        #expect(!FileManager.default.fileExists(atPath: cluster.runDirectory))
    }

    // MARK: Helpers

    private func permissions(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    private func kubeconfigUser(_ path: String) throws -> [String: Any] {
        let document = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
        return try #require(((document["users"] as? [[String: Any]])?.first?["user"]) as? [String: Any])
    }

    private func credential(_ user: [String: Any]) throws -> KubeCredential {
        if let token = user["token"] as? String { return .token(token) }
        if let certificate = user["client-certificate"] as? String, let key = user["client-key"] as? String {
            return .clientCertificate(certificatePEM: Array(try Data(contentsOf: URL(fileURLWithPath: certificate))),
                                      keyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: key))))
        }
        let certificateData = try #require(user["client-certificate-data"] as? String)
        let keyData = try #require(user["client-key-data"] as? String)
        let certificate = try #require(Data(base64Encoded: certificateData))
        let key = try #require(Data(base64Encoded: keyData))
        return .clientCertificate(certificatePEM: Array(certificate), keyPEM: Array(key))
    }

    private func crdNames(under directory: String) throws -> Set<String> {
        let files = try #require(FileManager.default.enumerator(atPath: directory)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        var names: Set<String> = []
        for file in files {
            for document in try Yams.load_all(yaml: String(contentsOfFile: directory + "/" + file, encoding: .utf8)) {
                guard let object = document as? [String: Any], object["kind"] as? String == "CustomResourceDefinition",
                      let name = (object["metadata"] as? [String: Any])?["name"] as? String else { continue }
                names.insert(name)
            }
        }
        return names
    }

    /// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
    private func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
