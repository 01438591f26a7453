import Foundation
import KubernetesClient
import TandemCore
import Testing
import TandemTesting

/// A CustomResourceDefinition and a custom resource of it in one configuration (anchor item 8: Terraform's
/// `kubernetes_manifest` cannot plan the resource before its CRD exists): planned against the declared schema (a
/// misspelt field is refused before anything is sent), applied in one run (the CRD first, Established, discovery
/// refreshed), re-planned with no changes, destroyed resource first.
@Suite struct KubernetesCRDInOneApplyEndToEndTests {
    private static func configuration(kubeconfig: String, group: String, field: String) -> String {
        """
        providers:
          kubernetes: {kubeconfig: "\(kubeconfig)", namespace: default}
        resources:
          kubernetes_manifest.crd:
            manifest:
              apiVersion: apiextensions.k8s.io/v1
              kind: CustomResourceDefinition
              metadata: {name: "widgets.\(group)"}
              spec:
                group: "\(group)"
                scope: Namespaced
                names: {plural: widgets, singular: widget, kind: Widget}
                versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              size: {type: integer, minimum: 1}
                              color: {type: string, enum: [red, blue]}
          kubernetes_manifest.widget:
            manifest:
              apiVersion: "\(group)/v1"
              kind: Widget
              metadata: {name: first}
              spec: {size: 3, \(field): blue}
        """
    }

    @Test func aCRDAndItsResourceArePlannedAndAppliedTogether() async throws {
        let cluster = try await KubeCluster.shared()
        let group = "w\(UUID().uuidString.prefix(8).lowercased()).example.com"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-crd-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
        func write(_ field: String) throws {
            try Self.configuration(kubeconfig: cluster.adminTokenKubeconfig, group: group, field: field)
                .write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        }
        let access = try KubeconfigLoader.load(path: cluster.adminTokenKubeconfig, environment: [:])
        let client = KubernetesClient(connection: try KubernetesConnection(access: access, environment: [:]), fieldManager: "test")
        let crd = ObjectReference(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", namespace: nil, name: "widgets.\(group)")

        try write("colour")
        let refused = try await tandem.run(["apply", "--auto-approve"])
        #expect(refused.exitCode == 1, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("did you mean spec.color?"), "checked against the CRD declared beside it: \(refused.stderr)")
        #expect(try await client.get(crd) == nil, "nothing was sent")

        try write("color")
        let plan = try await tandem.run(["plan", "--detailed-exitcode"])
        #expect(plan.exitCode == 2, "the resource is planned before its CRD exists: \(plan.stdout)\n\(plan.stderr)")
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        let crdDone = try #require(apply.stdout.range(of: "kubernetes_manifest.crd: Created after"))
        let widgetStarted = try #require(apply.stdout.range(of: "kubernetes_manifest.widget: Creating..."))
        #expect(crdDone.lowerBound < widgetStarted.lowerBound, "\(apply.stdout)")
        let widget = try await client.get(ObjectReference(apiVersion: "\(group)/v1", kind: "Widget", namespace: "default", name: "first"))
        #expect(widget?["spec"] == .map(["size": .number(3), "color": .string("blue")]))
        let quiet = try await tandem.run(["plan", "--detailed-exitcode"])
        #expect(quiet.exitCode == 0, "\(quiet.stdout)\n\(quiet.stderr)")

        let destroy = try await tandem.run(["destroy", "--auto-approve"])
        #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        let widgetGone = try #require(destroy.stdout.range(of: "kubernetes_manifest.widget: Deleted after"))
        let crdGoing = try #require(destroy.stdout.range(of: "kubernetes_manifest.crd: Deleting..."))
        #expect(widgetGone.lowerBound < crdGoing.lowerBound, "the resource goes before its CRD: \(destroy.stdout)")
        #expect(try await client.get(crd) == nil)
    }
}
