import Foundation
@testable import KubernetesProvider
import TandemCore
import TandemEngine
import Testing

/// The resource types' own rules: what a manifest must hold, Secrets always through the masked type, import ids, and
/// a Secret's text data encoded and decoded without loss.
@Suite struct KubernetesObjectTypeTests {
    private func manifest(_ json: String) throws -> Value {
        .map(["manifest": try Value(jsonString: json), "wait_timeout": .string("10m")])
    }

    @Test func aManifestNeedsIdentityAndNeverCarriesASecretOrStatus() throws {
        #expect(ManifestResource.validate(try manifest(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#)).isEmpty)
        let secret = ManifestResource.validate(try manifest(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"},"data":{"a":"Yg=="}}"#))
        #expect(secret.map(\.attributePath) == ["manifest.kind"])
        #expect(secret.first?.message.contains("kubernetes_secret") == true)
        let status = ManifestResource.validate(try manifest(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"status":{"phase":"Ready"}}"#))
        #expect(status.map(\.attributePath) == ["manifest.status"])
        let nameless = ManifestResource.validate(try manifest(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"x-"}}"#))
        #expect(nameless.map(\.attributePath) == ["manifest.metadata"])
        #expect(ManifestResource.validate(.map(["manifest": .unknown])).isEmpty, "unknown parts are judged at apply")
        var badTimeout = try manifest(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#)
        if case .map(var entries) = badTimeout { entries["wait_timeout"] = .string("soon"); badTimeout = .map(entries) }
        #expect(ManifestResource.validate(badTimeout).map(\.attributePath) == ["wait_timeout"])
    }

    @Test func importIdsNameTheObject() {
        let namespaced = ManifestResource.reference(importID: "ceph.rook.io/v1,CephObjectRealm,rook-ceph/realm-a")
        #expect(namespaced?.apiVersion == "ceph.rook.io/v1" && namespaced?.kind == "CephObjectRealm")
        #expect(namespaced?.namespace == "rook-ceph" && namespaced?.name == "realm-a")
        #expect(ManifestResource.reference(importID: "v1,Namespace,rook-ceph")?.namespace == nil)
        #expect(ManifestResource.reference(importID: "rook-ceph/realm-a") == nil)
        #expect(ManifestResource.reference(importID: "v1,ConfigMap,a/b/c") == nil)
        #expect(SecretResource.reference(importID: "velero/cloud")?.name == "cloud")
        #expect(SecretResource.reference(importID: "cloud") == nil)
        #expect(NamespaceResource.reference(importID: "velero")?.name == "velero")
        #expect(NamespaceResource.reference(importID: "a/b") == nil)
        let cases: [(any KubernetesObjectType.Type, String)] = [
            (ManifestResource.self, "ceph.rook.io/v1,CephObjectRealm,rook-ceph/realm-a"), (ManifestResource.self, "v1,Namespace,velero"),
            (SecretResource.self, "velero/cloud"), (NamespaceResource.self, "velero"),
        ]
        for (kind, id) in cases {
            let parsed = kind.reference(importID: id)
            guard let reference = parsed else { Issue.record("\(id) does not parse"); continue }
            #expect(kind.importID(of: reference) == id, "the id an error suggests imports the same object")
        }
    }

    @Test func secretTextIsEncodedAndReadBackUnchanged() throws {
        let value = Value.map(["name": .string("keys"), "namespace": .string("rook-ceph"), "type": .string("Opaque"),
                               "data": .map(["access-key": .string("AKIA…ü"), "secret-key": .string("line1\nline2")]),
                               "labels": .null, "annotations": .null, "force_conflicts": .bool(false), "wait_for": .string("none"),
                               "wait_timeout": .string("10m"), "delete_propagation": .string("Background")])
        let manifest = SecretResource.manifest(value)
        #expect(manifest["data"]["secret-key"] == .string(Data("line1\nline2".utf8).base64EncodedString()))
        #expect(manifest["metadata"]["namespace"] == .string("rook-ceph"))
        #expect(try SecretResource.attributes(from: manifest, like: value) == value)

        var binary = manifest
        if case .map(var entries) = binary { entries["data"] = .map(["blob": .string(Data([0xff, 0xfe]).base64EncodedString())]); binary = .map(entries) }
        #expect(throws: ProviderError.self) { try SecretResource.attributes(from: binary, like: value) }
    }

    @Test func everyTypeSharesTheApplySettingsAndSecretsAreSensitive() {
        let provider = KubernetesProvider()
        for type in ["kubernetes_manifest", "kubernetes_secret", "kubernetes_namespace"] {
            let schema = provider.resourceSchemas[type]
            #expect(schema?.attributes["force_conflicts"]?.defaultValue == .bool(false), "\(type)")
            #expect(schema?.attributes["wait_for"]?.allowedValues == ["none", "ready"], "\(type)")
        }
        #expect(provider.resourceSchemas["kubernetes_secret"]?.attributes["data"]?.sensitive == true)
        #expect(provider.resourceSchemas["kubernetes_secret_export"]?.attributes["data"]?.sensitive == true)
        #expect(provider.dataSourceSchemas["kubernetes_secret"]?.attributes["data"]?.sensitive == true)
    }
}
