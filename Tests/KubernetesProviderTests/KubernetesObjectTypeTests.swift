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

    @Test func anExportIsNamedOneWayAndNameFromIsComplete() throws {
        func problems(_ json: String) throws -> [String?] { SecretExportResource.validate(try Value(jsonString: json)).map(\.attributePath) }
        #expect(try problems(#"{"name":"rciis-keys"}"#).isEmpty)
        #expect(try problems(#"{}"#) == ["name"])
        #expect(try problems(#"{"name":"a","name_from":{"api_version":"v1","kind":"ConfigMap","name":"b","field":"data.x"}}"#) == ["name_from"])
        let pool = #"{"name_from":{"api_version":"ceph.rook.io/v1","kind":"CephBlockPool","name":"replicapool","field":"status.info.rbdMirrorBootstrapPeerSecretName"}}"#
        #expect(try problems(pool).isEmpty)
        #expect(try problems(#"{"name_from":{"api_version":"v1","kind":"ConfigMap","name":"b","feild":"data.x"}}"#) == ["name_from.feild", "name_from"],
                "an unknown key is named, and the missing field too")
    }

    @Test func aPatchIsAManifestThatReleasesItsFields() throws {
        #expect(PatchResource.patchesExisting && !ManifestResource.patchesExisting)
        #expect(PatchResource.validate(try manifest(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"#)).map(\.attributePath) == ["manifest.kind"],
                "a patch never carries Secret data unmasked either")
        let released = PatchResource.release(.init(apiVersion: "v1", kind: "ConfigMap", namespace: "rook-ceph", name: "rook-ceph-operator-config"))
        #expect(released == (try Value(jsonString: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"rook-ceph-operator-config","namespace":"rook-ceph"}}"#)))
    }
}
