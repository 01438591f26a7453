import Foundation
import KubernetesClient
import TandemCore
import TandemTesting
import Testing

/// The client against a real kube-apiserver v1.20.2 (scripts/kube-cluster): each kubeconfig kind, discovery,
/// server-side apply (create, update, conflict, force), dry-run, 403 and 422 from the server, delete and waits, exec
/// credential plugins. No operator runs there: where a test needs a status an operator would write, it writes it
/// through the status subresource itself, as the operator would.
@Suite struct KubernetesClientTests {
    private func client(_ kubeconfig: String, environment: [String: String] = [:], manager: String = "tandem") throws -> KubernetesClient {
        let access = try KubeconfigLoader.load(path: kubeconfig, environment: environment)
        return KubernetesClient(connection: try KubernetesConnection(access: access, environment: environment), fieldManager: manager)
    }

    private func name(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    @Test func everyKubeconfigKindReachesTheServerAndDiscoversKinds() async throws {
        let cluster = try await KubeCluster.shared()
        for kubeconfig in [cluster.adminTokenKubeconfig, cluster.adminCertificateKubeconfig, cluster.adminEmbeddedKubeconfig] {
            let client = try client(kubeconfig)
            let namespaces = try #require(try await client.resource(apiVersion: "v1", kind: "Namespace"))
            #expect(namespaces.plural == "namespaces" && !namespaces.namespaced, "\(kubeconfig)")
            let defaultNamespace = try #require(try await client.get(ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "default")))
            #expect(defaultNamespace["metadata"]["name"] == .string("default"))
            let realm = try #require(try await client.resource(apiVersion: "ceph.rook.io/v1", kind: "CephObjectRealm"))
            #expect(realm.plural == "cephobjectrealms" && realm.namespaced && realm.hasStatus)
            #expect(try await client.resource(apiVersion: "ceph.rook.io/v1", kind: "NoSuchKind") == nil)
        }
    }

    @Test func serverSideApplyCreatesUpdatesAndNamesTheOtherManagerOfAConflict() async throws {
        let cluster = try await KubeCluster.shared()
        let tandem = try client(cluster.adminTokenKubeconfig)
        let other = try client(cluster.adminTokenKubeconfig, manager: "kubectl-edit")
        let configMap = name("cm")
        func manifest(_ value: String) -> Value {
            .map(["apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                  "metadata": .map(["name": .string(configMap), "namespace": .string("default")]), "data": .map(["mode": .string(value)])])
        }
        let created = try await tandem.apply(manifest("one"))
        #expect(created["data"]["mode"] == .string("one"))
        let updated = try await tandem.apply(manifest("two"))
        #expect(updated["data"]["mode"] == .string("two"))
        #expect(ManagedFields(of: updated, manager: "tandem")?.paths == ["data.mode"])

        do {
            _ = try await other.apply(manifest("three"))
            Issue.record("a second manager changed tandem's field without force")
        } catch let error as KubernetesAPIError {
            #expect(error.statusCode == 409)
            #expect(error.conflictingManagers == ["tandem"])
            #expect(error.causes.compactMap(\.field) == [".data.mode"])
            #expect(error.description.contains("force_conflicts"))
        }
        let forced = try await other.apply(manifest("three"), force: true)
        #expect(forced["data"]["mode"] == .string("three"))
        #expect(ManagedFields(of: forced, manager: "tandem") == nil, "force took the only field tandem had")
        #expect(try await tandem.delete(ObjectReference(manifest: forced)!))
    }

    @Test func dryRunStoresNothingButDefaultsAndValidates() async throws {
        let cluster = try await KubeCluster.shared()
        let client = try client(cluster.adminTokenKubeconfig)
        let pool = name("pool")
        let manifest = Value.map(["apiVersion": .string("ceph.rook.io/v1"), "kind": .string("CephBlockPool"),
                                  "metadata": .map(["name": .string(pool), "namespace": .string("default")]),
                                  "spec": .map(["replicated": .map(["size": .number(3)])])])
        let preview = try await client.apply(manifest, dryRun: true)
        #expect(preview["spec"]["replicated"]["size"] == .number(3))
        #expect(ManagedFields(of: preview, manager: "tandem")?.paths.contains("spec.replicated.size") == true)
        let reference = try #require(ObjectReference(manifest: manifest))
        #expect(try await client.get(reference) == nil, "a dry-run stores nothing")

        var invalid = manifest
        if case .map(var entries) = invalid { entries["spec"] = .map(["replicated": .map(["size": .string("three")])]); invalid = .map(entries) }
        do {
            _ = try await client.apply(invalid, dryRun: true)
            Issue.record("the server accepted a string for an integer")
        } catch let error as KubernetesAPIError {
            #expect(error.statusCode == 422)
            #expect(error.causes.compactMap(\.field).contains("spec.replicated.size"), "\(error.causes)")
        }
    }

    @Test func anUnprivilegedUserIsRefusedWith403() async throws {
        let cluster = try await KubeCluster.shared()
        let client = try client(cluster.unprivilegedTokenKubeconfig)
        do {
            _ = try await client.get(ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "default"))
            Issue.record("a user without grants read a namespace")
        } catch let error as KubernetesAPIError {
            #expect(error.statusCode == 403)
            #expect(error.description.contains("tandem-user"), "\(error)")
        }
    }

    @Test func readinessWaitsForTheOperatorsStatusAndQuotesTheLastOneOnTimeout() async throws {
        let cluster = try await KubeCluster.shared()
        let client = try client(cluster.adminTokenKubeconfig)
        let realm = name("realm")
        let manifest = Value.map(["apiVersion": .string("ceph.rook.io/v1"), "kind": .string("CephObjectRealm"),
                                  "metadata": .map(["name": .string(realm), "namespace": .string("default")])])
        let reference = try #require(ObjectReference(manifest: manifest))
        _ = try await client.apply(manifest)
        _ = try await client.patchStatus(reference, status: .map(["phase": .string("Progressing")]))
        do {
            _ = try await client.waitUntilReady(reference, timeout: .milliseconds(600))
            Issue.record("a Progressing realm was ready")
        } catch let error as KubernetesWaitError {
            #expect(error.description.contains("status.phase Ready or Connected"))
            #expect(error.description.contains(#""phase":"Progressing""#), "\(error)")
        }
        // Playing the Rook operator: the realm becomes Ready while apply waits.
        async let ready = client.waitUntilReady(reference, timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(300))
        _ = try await client.patchStatus(reference, status: .map(["phase": .string("Ready")]))
        #expect(try await ready["status"]["phase"] == .string("Ready"))

        #expect(try await client.delete(reference))
        try await client.waitUntilGone(reference, timeout: .seconds(10))
        #expect(try await client.delete(reference) == false, "deleting what is gone reports it")
    }

    @Test func anExecPluginRunsOnceUntilItsCredentialExpiresAndNeverShowsInErrors() async throws {
        let cluster = try await KubeCluster.shared()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-exec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        func kubeconfig(_ name: String, plugin: String) throws -> String {
            let script = directory + "/\(name).sh"
            try plugin.write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script)
            let path = directory + "/\(name).kubeconfig"
            try """
            clusters: [{name: c, cluster: {server: "\(cluster.serverURL)", certificate-authority: "\(cluster.caFile)"}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "\(script)", interactiveMode: Never}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func expiring(in seconds: Int) -> String {
            """
            #!/bin/sh
            [ "$KUBERNETES_EXEC_INFO" != "" ] || exit 3
            expiry=$(date -u -d "+\(seconds) seconds" +%Y-%m-%dT%H:%M:%SZ)
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}' "$(cat "\(directory)/token")" "$expiry"
            """
        }
        try cluster.adminToken.write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let environment = ["PATH": "/usr/bin:/bin"]
        let reference = ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "default")
        let longLived = try client(try kubeconfig("hour", plugin: expiring(in: 3600)), environment: environment)
        for _ in 0..<3 { #expect(try await longLived.get(reference) != nil) }
        #expect(await longLived.connection.credentialPluginRuns == 1)

        // A credential about to expire (within 10 s) is not reused.
        let shortLived = try client(try kubeconfig("seconds", plugin: expiring(in: 5)), environment: environment)
        for _ in 0..<2 { #expect(try await shortLived.get(reference) != nil) }
        let shortRuns = await shortLived.connection.credentialPluginRuns
        #expect(shortRuns == 3, "one run per request: the kind's discovery, then two reads")

        // A plugin that fails: its status and standard error, never its output.
        let failing = try client(try kubeconfig("failing", plugin: "#!/bin/sh\necho 'token expired, run login' >&2\necho SECRET-OUTPUT\nexit 4\n"),
                                 environment: environment)
        do {
            _ = try await failing.get(reference)
            Issue.record("a failing plugin gave a credential")
        } catch let error as KubernetesAuthError {
            #expect(error.description.contains("exited with status 4"), "\(error)")
            #expect(error.description.contains("token expired, run login"))
            #expect(!error.description.contains("SECRET-OUTPUT"))
        }
    }

    @Test func aServerCertificateFromAnotherCAIsRefusedWithTheReason() async throws {
        let cluster = try await KubeCluster.shared()
        let stranger = try await TestCertificateAuthority.make(commonName: "Stranger CA")
        defer { stranger.remove() }
        let path = stranger.directory + "/kubeconfig"
        try """
        clusters: [{name: c, cluster: {server: "\(cluster.serverURL)", certificate-authority: "\(stranger.caCertificatePath)"}}]
        users: [{name: u, user: {token: "\(cluster.adminToken)"}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let client = try client(path)
        do {
            _ = try await client.get(ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "default"))
            Issue.record("a certificate of an untrusted CA was accepted")
        } catch let error as KubernetesConnectionError {
            #expect(error.description.contains("TLS handshake"), "\(error)")
            #expect(!error.description.contains(cluster.adminToken))
        }
    }
}

/// Endpoints that are not an API server: answers fail fast with an error naming the server, never hang.
@Suite struct KubernetesClientHostileEndpointTests {
    @Test func aServerThatClosesEveryConnectionFailsFastNamingIt() async throws {
        let server = try await ClosingServer.start()
        defer { Task { try? await server.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-closing-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try """
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:\(server.port)"}}]
        users: [{name: u, user: {token: abc}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """.write(toFile: directory + "/config", atomically: true, encoding: .utf8)
        let access = try KubeconfigLoader.load(path: directory + "/config", environment: [:])
        let client = KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]))
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await client.get(ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "default"))
            Issue.record("a closing server answered")
        } catch let error as KubernetesConnectionError {
            #expect(error.description.contains("127.0.0.1:\(server.port)"), "\(error)")
        }
        // One attempt, not handshakes retried until the 10 s connect timeout. The time is only a loose bound (0.04 s on a
        // quiet machine, seconds when the whole suite shares two cores); the count of connections is what is exact.
        #expect(server.acceptedConnections == 1, "the failed handshake was tried again \(server.acceptedConnections - 1) time(s)")
        #expect(clock.now - started < .seconds(10), "a closed connection is an error at once, not a hang")
    }
}
