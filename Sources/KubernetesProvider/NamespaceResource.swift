import KubernetesClient
import TandemCore
import TandemEngine

/// `kubernetes_namespace`: a Namespace, created before every namespaced object of the plan in it and deleted after them.
enum NamespaceResource: KubernetesObjectType {
    static let typeName = "kubernetes_namespace"
    static let summary = "A Kubernetes Namespace"
    static let importForm = "NAME"

    static var attributes: [String: AttributeSchema] {
        [
            "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "The Namespace's name."),
            "labels": AttributeSchema(.map(.string), .optional, description: "Labels."),
            "annotations": AttributeSchema(.map(.string), .optional, description: "Annotations."),
        ]
    }

    static func manifest(_ value: Value) -> Value {
        var metadata: [String: Value] = ["name": value["name"]]
        if value["labels"] != .null { metadata["labels"] = value["labels"] }
        if value["annotations"] != .null { metadata["annotations"] = value["annotations"] }
        return .map(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .map(metadata)])
    }

    static func attributes(from manifest: Value, like: Value) throws -> Value {
        var entries = settings(of: like)
        entries["name"] = manifest["metadata"]["name"]
        entries["labels"] = manifest["metadata"]["labels"]
        entries["annotations"] = manifest["metadata"]["annotations"]
        return .map(entries)
    }

    static func attributePath(ofField field: String) -> String {
        if field.hasPrefix("metadata.labels") { return "labels" }
        if field.hasPrefix("metadata.annotations") { return "annotations" }
        return "name"
    }

    static func validate(_ value: Value) -> [ProviderError] { validateSettings(value) }

    static func importID(of reference: ObjectReference) -> String { reference.name }

    static func reference(importID: String) -> ObjectReference? {
        guard !importID.isEmpty, !importID.contains("/") else { return nil }
        return ObjectReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: importID)
    }
}
