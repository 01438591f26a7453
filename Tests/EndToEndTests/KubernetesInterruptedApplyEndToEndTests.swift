import Foundation
import KubernetesClient
import TandemCore
import Testing
import TandemTesting

/// The built `tandem apply` killed with SIGKILL while it creates 40 ConfigMaps and 40 Secrets on a real API server:
/// no object is ever forgotten (the next command records what the killed one made), nothing someone else made is
/// taken over, and apply then destroy leave nothing behind.
@Suite(.serialized) struct KubernetesInterruptedApplyEndToEndTests {
    private static let names = (0..<40).map { String(format: "k%02d", $0) }

    private static func configuration(kubeconfig: String, namespace: String) -> String {
        """
        variables:
          names: {default: [\(names.map { "\"\($0)\"" }.joined(separator: ", "))]}
        providers:
          kubernetes: {kubeconfig: "\(kubeconfig)", namespace: \(namespace)}
        resources:
          kubernetes_manifest.settings:
            for_each: ${toset(var.names)}
            manifest:
              apiVersion: v1
              kind: ConfigMap
              metadata: {name: "settings-${each.key}", namespace: \(namespace)}
              data: {site: "${each.key}"}
          kubernetes_secret.keys:
            for_each: ${toset(var.names)}
            name: keys-${each.key}
            data: {key: "secret-${each.key}"}
        """
    }

    private func client(_ cluster: KubeCluster) throws -> KubernetesClient {
        let access = try KubeconfigLoader.load(path: cluster.adminTokenKubeconfig, environment: [:])
        return KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]), fieldManager: "test")
    }

    /// A namespace of the test's own.
    private func namespace(_ client: KubernetesClient) async throws -> String {
        let name = "interrupted-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .map(["name": .string(name)])]))
        return name
    }

    /// The names of the objects of this configuration that exist on the cluster.
    private func live(_ client: KubernetesClient, namespace: String) async throws -> Set<String> {
        var found: Set<String> = []
        for name in Self.names {
            if try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "settings-\(name)")) != nil {
                found.insert("settings-\(name)")
            }
            if try await client.get(ObjectReference(apiVersion: "v1", kind: "Secret", namespace: namespace, name: "keys-\(name)")) != nil {
                found.insert("keys-\(name)")
            }
        }
        return found
    }

    /// The object names the state records, and its pending creates.
    private func recorded(_ tandem: TandemBinary) throws -> (names: Set<String>, pending: Int) {
        guard let data = FileManager.default.contents(atPath: tandem.directory + "/state/default.json") else { return ([], 0) }
        let state = try Value(jsonData: data)
        let names = (state["resources"].listValue ?? []).compactMap { resource -> String? in
            resource["attributes"]["manifest"]["metadata"]["name"].stringValue ?? resource["attributes"]["name"].stringValue
        }
        return (Set(names), state["pending_creates"].listValue?.count ?? 0)
    }

    private func forceUnlock(_ tandem: TandemBinary) async throws {
        guard let data = FileManager.default.contents(atPath: tandem.directory + "/state/default.json.lock") else { return }
        let id = try #require(try Value(jsonData: data)["id"].stringValue)
        let unlocked = try await tandem.run(["force-unlock", id])
        #expect(unlocked.exitCode == 0, "\(unlocked.stderr)")
    }

    private func workspace(_ text: String) throws -> TandemBinary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-k8s-kill-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        return TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
    }

    /// The number of this configuration's objects on the cluster, by listing (one request per kind).
    private func liveCount(_ cluster: KubeCluster, namespace: String) async throws -> Int {
        var count = 0
        for kind in ["configmaps", "secrets"] {
            let items = try await cluster.get("/api/v1/namespaces/\(namespace)/\(kind)").json()["items"] as? [[String: Any]] ?? []
            count += items.filter { (($0["metadata"] as? [String: Any])?["name"] as? String).map { $0.hasPrefix("settings-k") || $0.hasPrefix("keys-k") } ?? false }.count
        }
        return count
    }

    @Test func sigkillAtAnyPointLeavesNoOrphanAndApplyThenDestroyFinish() async throws {
        let cluster = try await KubeCluster.shared()
        let client = try client(cluster)
        let namespace = try await namespace(client)
        // The kills go through a relay that holds every answer 0.3 s: the test sees an object on the server (directly)
        // while the killed apply has not heard that it was made, so each kill leaves a create between intent and result.
        // Only the applies of saved plans go through it (the kubeconfig file is rewritten, the configuration stays).
        let relay = try await SlowResponseRelay.start(backendPort: try #require(URL(string: cluster.serverURL)?.port), delay: .milliseconds(300))
        let tandem = try workspace(Self.configuration(kubeconfig: "cluster.kubeconfig", namespace: namespace))
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let direct = try String(contentsOfFile: cluster.adminTokenKubeconfig, encoding: .utf8)
        let slow = direct.replacingOccurrences(of: cluster.serverURL, with: "https://127.0.0.1:\(relay.port)")
        func reach(through kubeconfig: String) throws {
            try kubeconfig.write(toFile: tandem.directory + "/cluster.kubeconfig", atomically: true, encoding: .utf8)
        }
        try reach(through: direct)
        let first = try await tandem.run(["plan", "--out", "round.plan"])
        #expect(first.exitCode == 0, "\(first.stdout)\n\(first.stderr)")
        var adoptedNotices = 0
        let rounds = [1, 12, 25, 40]
        for made in rounds {
            try reach(through: slow)
            let (output, run) = try await tandem.withRunning(["apply", "--parallelism", "10", "round.plan"]) { apply in
                try await apply.closeInput()
                let deadline = ContinuousClock.now + .seconds(300)
                while !apply.hasExited, ContinuousClock.now < deadline, try await liveCount(cluster, namespace: namespace) < made {
                    try await Task.sleep(for: .milliseconds(10))
                }
                apply.send(signal: SIGKILL)
                return String(decoding: apply.standardOutput, as: UTF8.self)
            }
            #expect(run.exitCode == 128 + SIGKILL, "the apply ended before the kill at \(made) objects:\n\(output)")
            try await forceUnlock(tandem)
            try reach(through: direct)
            let plan = try await tandem.run(["plan", "--detailed-exitcode", "--out", "round.plan"])
            #expect(plan.exitCode == 2, "kill at \(made) objects: \(plan.stdout)\n\(plan.stderr)")
            #expect(!plan.stdout.contains("already exists") && !plan.stderr.contains("already exists"))
            adoptedNotices += plan.stderr.components(separatedBy: "recorded the object an interrupted create left").count - 1
            let state = try recorded(tandem)
            let onCluster = try await live(client, namespace: namespace)
            #expect(onCluster.subtracting(state.names).isEmpty, "orphans after a kill at \(made): \(onCluster.subtracting(state.names).sorted())")
            #expect(state.names.subtracting(onCluster).isEmpty, "the state records only objects that exist")
            #expect(state.pending == 0)
        }
        #expect(adoptedNotices >= rounds.count, "every kill caught a create between its intent and its result (\(adoptedNotices) adopted)")
        try await relay.stop()
        let apply = try await tandem.run(["apply", "--auto-approve", "--parallelism", "10"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(try await live(client, namespace: namespace).count == 80)
        #expect(!apply.stdout.contains("secret-k0") && !apply.stderr.contains("secret-k0"), "secret data never printed")
        let quiet = try await tandem.run(["plan", "--detailed-exitcode"])
        #expect(quiet.exitCode == 0, "\(quiet.stdout)\n\(quiet.stderr)")

        let destroy = try await tandem.run(["destroy", "--auto-approve", "--parallelism", "10"])
        #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        #expect(try await live(client, namespace: namespace).isEmpty)
        _ = try await client.delete(ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: namespace))
    }

    @Test func anObjectSomeoneElseMadeIsRefusedWithItsImportLine() async throws {
        let cluster = try await KubeCluster.shared()
        let client = try client(cluster)
        let namespace = try await namespace(client)
        _ = try await client.apply(.map(["apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                                         "metadata": .map(["name": .string("settings-k00"), "namespace": .string(namespace)]),
                                         "data": .map(["owner": .string("someone else")])]))
        let tandem = try workspace(Self.configuration(kubeconfig: cluster.adminTokenKubeconfig, namespace: namespace)
            .replacingOccurrences(of: "names: {default: [", with: "names: {default: [\"k00\"]}\n  unused: {default: ["))
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 1, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stderr.contains("ConfigMap \(namespace)/settings-k00 already exists"), "\(apply.stderr)")
        #expect(apply.stderr.contains("tandem import kubernetes_manifest.NAME v1,ConfigMap,\(namespace)/settings-k00"), "\(apply.stderr)")
        let untouched = try await client.get(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "settings-k00"))
        #expect(untouched?["data"] == .map(["owner": .string("someone else")]), "the other object is left as it was")
        _ = try await tandem.run(["destroy", "--auto-approve"])
        _ = try await client.delete(ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: namespace))
    }
}
