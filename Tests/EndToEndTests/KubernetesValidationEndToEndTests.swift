import Foundation
import TandemTesting
import Testing

/// Custom resources checked against their CRD before anything is sent (v1.20 prunes unknown fields silently): offline
/// with `crd_files`, and while planning against the CRDs the real API server has; each bad field at its line.
@Suite struct KubernetesValidationEndToEndTests {
    private static func configuration(kubeconfig: String, crdFiles: String?) -> String {
        """
        providers:
          kubernetes:
            kubeconfig: \(kubeconfig)
        \(crdFiles.map { "    crd_files: [\"\($0)\"]" } ?? "")
        resources:
          kubernetes_manifest.zone:
            manifest:
              apiVersion: ceph.rook.io/v1
              kind: CephObjectZone
              metadata: {name: site-a, namespace: default}
              spec:
                zoneGroup: rciis-sites
                metadataPool:
                  replicated: {size: "3"}
                customEndpoint: ["https://rgw.cluster-a.example.com"]
          kubernetes_manifest.widget:
            manifest:
              apiVersion: example.com/v1
              kind: Widget
              metadata: {name: w, namespace: default}
        """
    }

    private func workspace(_ text: String) throws -> TandemBinary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-k8s-validate-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        return TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
    }

    @Test func offlineValidateReadsTheCRDFilesAndPointsAtEachBadField() async throws {
        let crds = try KubeCluster.crdDirectory() + "/rook"
        let tandem = try workspace(Self.configuration(kubeconfig: "/nonexistent", crdFiles: crds))
        let result = try await tandem.run(["validate"])
        #expect(result.exitCode == 1, "\(result.stdout)\n\(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(output.contains("main.tandem.yaml:15:25"), "the unknown field's line and column: \(output)")
        #expect(output.contains(#"unknown field "customEndpoint""#) && output.contains("did you mean spec.customEndpoints?"), "\(output)")
        #expect(output.contains("main.tandem.yaml:14:30"), "the mistyped value's position: \(output)")
        #expect(output.contains(#"must be an integer, not the string "3""#), "\(output)")
        #expect(!output.contains("Widget"), "offline, a kind no file defines is left to the cluster")
    }

    @Test func planChecksAgainstTheClustersCRDsAndRefusesAKindNobodyDefines() async throws {
        let cluster = try await KubeCluster.shared()
        let tandem = try workspace(Self.configuration(kubeconfig: cluster.adminTokenKubeconfig, crdFiles: nil))
        let result = try await tandem.run(["plan"])
        #expect(result.exitCode == 1, "\(result.stdout)\n\(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(output.contains("did you mean spec.customEndpoints?"), "\(output)")
        #expect(output.components(separatedBy: "main.tandem.yaml:14:30").count == 2, "the mistyped size is reported once: \(output)")
        #expect(output.contains("does not serve Widget in example.com/v1"), "\(output)")
        #expect(output.contains("main.tandem.yaml:19:13"), "at the kind's line: \(output)")
    }

    /// Each Kubernetes example checked offline against the real CRDs, given by its `crd_files` variable on the command
    /// line (validate uses the values given, the others stay unknown); a misspelt field is caught the same way.
    @Test(arguments: ["rook-multisite", "rbd-mirror", "velero-dr", "volsync-fanout", "ceph-aws-on-kubernetes"])
    func anExampleValidatesOfflineAgainstTheRealCRDs(example: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-k8s-example-validate-\(UUID())").path
        try FileManager.default.copyItem(atPath: TandemBinary.repositoryRoot + "/examples/" + example, toPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
        let crds = "crd_files=[\"\(try KubeCluster.crdDirectory())\"]"
        let valid = try await tandem.run(["validate", "--var", crds])
        #expect(valid.exitCode == 0 && valid.stdout.contains("The configuration is valid."), "\(valid.stdout)\n\(valid.stderr)")
        guard example == "rook-multisite" else { return }
        let text = try String(contentsOfFile: directory + "/main.tandem.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "customEndpoints: [\"${var.endpoint_a}\"]", with: "customEndpoint: [\"${var.endpoint_a}\"]")
            .write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let broken = try await tandem.run(["validate", "--var", crds])
        #expect(broken.exitCode == 1 && broken.stderr.contains("did you mean spec.customEndpoints?"), "\(broken.stderr)")
        let unchecked = try await tandem.run(["validate"])
        #expect(unchecked.exitCode == 0, "without crd_files and without a cluster there is no schema to check against")
    }
}
