import Foundation
import KubernetesClient
import TandemCore
import Testing

@Suite struct CustomResourceDefinitionLoaderTests {
    @Test func everyRealDefinitionIsRead() throws {
        let directory = try SharedCRDs.directory()
        let definitions = try SharedCRDs.catalog().definitions
        // Counted from the text independently of the YAML reader: one `kind: CustomResourceDefinition` line per CRD.
        var expected = 0
        for case let file as String in FileManager.default.enumerator(atPath: directory)! where file.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            expected += text.split(separator: "\n").filter { $0 == "kind: CustomResourceDefinition" }.count
        }
        #expect(expected > 0)
        #expect(definitions.count == expected)
        for definition in definitions {
            #expect(definition.name == "\(definition.names.plural).\(definition.group)")
            let storage = try #require(definition.storageVersion, "\(definition.name) has no storage version")
            #expect(storage.schema != nil, "\(definition.name) \(storage.name) has no schema")
            #expect(definition.versions.filter(\.storage).count == 1)
        }
    }

    @Test func namesScopeVersionsAndSubresourcesAreRead() throws {
        let store = try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephObjectStore")
        #expect(store.name == "cephobjectstores.ceph.rook.io")
        #expect(store.names.kind == "CephObjectStore")
        #expect(store.names.plural == "cephobjectstores")
        #expect(store.names.singular == "cephobjectstore")
        #expect(store.names.shortNames == ["cephos"])
        #expect(store.names.listKind == "CephObjectStoreList")
        #expect(store.scope == .namespaced)
        #expect(store.versions.map(\.name) == ["v1"])
        #expect(store.storageVersion?.hasStatusSubresource == true)
        #expect(store.servedAPIVersions == ["ceph.rook.io/v1"])

        let bucket = try SharedCRDs.definition(group: "objectbucket.io", kind: "ObjectBucket")
        #expect(bucket.scope == .cluster)

        let upload = try SharedCRDs.definition(group: "velero.io", kind: "DataUpload")
        #expect(upload.versions.map(\.name) == ["v2alpha1"])
    }

    @Test func catalogFindsTheDefinitionOfAnObject() throws {
        let catalog = try SharedCRDs.catalog()
        #expect(catalog.definition(apiVersion: "ceph.rook.io/v1", kind: "CephBlockPool")?.name == "cephblockpools.ceph.rook.io")
        #expect(catalog.definition(apiVersion: "ceph.rook.io/v9", kind: "CephBlockPool")?.name == "cephblockpools.ceph.rook.io")
        #expect(catalog.definition(apiVersion: "v1", kind: "Secret") == nil)
        #expect(catalog.definition(apiVersion: "ceph.rook.io/v1", kind: "CephBlockPools") == nil)
    }

    @Test func otherDocumentsAndListsAreSkippedOrOpened() throws {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: demo}
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: List
            items:
            - \(Self.minimalDefinition(plural: "widgets", kind: "Widget"))
            """
        let definitions = try CustomResourceDefinitionLoader.definitions(inYAML: text, file: "mixed.yaml")
        #expect(definitions.map(\.name) == ["widgets.example.com"])
        #expect(definitions.first?.names.listKind == "WidgetList")
        #expect(definitions.first?.names.singular == "widget")
    }

    @Test func errorsNameTheFileAndDocument() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        try "apiVersion: v1\nkind: [unclosed\n".write(toFile: folder + "/broken.yaml", atomically: true, encoding: .utf8)
        let broken = try #require(throws: CustomResourceDefinitionError.self) { try CustomResourceDefinitionLoader.load(from: folder + "/broken.yaml") }
        #expect(broken.file == folder + "/broken.yaml")
        #expect(broken.description.hasPrefix("\(folder)/broken.yaml: not valid YAML: "))

        let withoutGroup = Self.minimalDefinition(plural: "widgets", kind: "Widget").replacingOccurrences(of: "group: example.com, ", with: "")
        try "kind: ConfigMap\n---\n\(withoutGroup)\n".write(toFile: folder + "/nogroup.yaml", atomically: true, encoding: .utf8)
        let missing = try #require(throws: CustomResourceDefinitionError.self) { try CustomResourceDefinitionLoader.load(from: folder + "/nogroup.yaml") }
        #expect(missing.description == "\(folder)/nogroup.yaml (document 2): missing required field spec.group")

        let badPattern = Self.minimalDefinition(plural: "widgets", kind: "Widget")
            .replacingOccurrences(of: "{type: object}", with: "{type: object, properties: {spec: {type: string, pattern: '([a-z'}}}")
        try badPattern.write(toFile: folder + "/pattern.yaml", atomically: true, encoding: .utf8)
        let pattern = try #require(throws: CustomResourceDefinitionError.self) { try CustomResourceDefinitionLoader.load(from: folder + "/pattern.yaml") }
        #expect(pattern.description == "\(folder)/pattern.yaml (document 1): spec.versions[0].schema.openAPIV3Schema.properties.spec.pattern: "
            + "the pattern ([a-z is not a valid regular expression")
    }

    @Test func olderAPIVersionsAreRefusedClearly() throws {
        let text = Self.minimalDefinition(plural: "widgets", kind: "Widget").replacingOccurrences(of: "apiextensions.k8s.io/v1", with: "apiextensions.k8s.io/v1beta1")
        let error = try #require(throws: CustomResourceDefinitionError.self) { try CustomResourceDefinitionLoader.definitions(inYAML: text, file: "old.yaml") }
        #expect(error.description.hasPrefix("old.yaml (document 1): apiextensions.k8s.io/v1beta1 CRDs are not read"))
    }

    @Test func definitionsMustBeKnownWhenPlanning() throws {
        var document = try #require(try YAMLDocuments.parse(Self.minimalDefinition(plural: "widgets", kind: "Widget")).first?.mapValue)
        var spec = try #require(document["spec"]?.mapValue)
        spec["group"] = .unknown
        document["spec"] = .map(spec)
        let error = try #require(throws: CustomResourceDefinitionError.self) { try CustomResourceDefinition(.map(document)) }
        #expect(error.description == "its name or spec holds values known only after apply; a CRD must be known when planning")
    }

    @Test func directoriesAreSearchedAndDuplicatesRefused() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/nested", withIntermediateDirectories: true)
        try Self.minimalDefinition(plural: "widgets", kind: "Widget").write(toFile: folder + "/a.yaml", atomically: true, encoding: .utf8)
        try Self.minimalDefinition(plural: "gadgets", kind: "Gadget").write(toFile: folder + "/nested/b.yml", atomically: true, encoding: .utf8)
        try "not: [yaml".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(try CustomResourceDefinitionLoader.load(from: folder).map(\.name) == ["widgets.example.com", "gadgets.example.com"])

        try Self.minimalDefinition(plural: "widgets", kind: "Widget").write(toFile: folder + "/nested/c.yaml", atomically: true, encoding: .utf8)
        let duplicate = try #require(throws: CustomResourceDefinitionError.self) { try CustomResourceDefinitionLoader.load(from: folder) }
        #expect(duplicate.description == "\(folder)/nested/c.yaml: widgets.example.com is also defined in \(folder)/a.yaml")

        let absent = try #require(throws: CustomResourceDefinitionError.self) { try CustomResourceDefinitionLoader.load(from: folder + "/absent") }
        #expect(absent.description == "\(folder)/absent: no such file or directory")
    }

    /// A one-line CRD (flow style) of `kind` in example.com.
    static func minimalDefinition(plural: String, kind: String) -> String {
        "{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: \(plural).example.com}, "
            + "spec: {group: example.com, names: {kind: \(kind), plural: \(plural)}, scope: Namespaced, "
            + "versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]}}"
    }

    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crd-loader-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
