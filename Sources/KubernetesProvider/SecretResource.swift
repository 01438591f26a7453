import Foundation
import KubernetesClient
import TandemCore
import TandemEngine

/// `kubernetes_secret`: a Secret whose data is written as text (Tandem encodes it), sensitive everywhere: masked in
/// plans, logs and output, stored only in the 0600 state.
enum SecretResource: KubernetesObjectType {
    static let typeName = "kubernetes_secret"
    static let summary = "A Kubernetes Secret; its data is sensitive"
    static let importForm = "NAMESPACE/NAME"

    static var attributes: [String: AttributeSchema] {
        [
            "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "The Secret's name."),
            "namespace": AttributeSchema(.string, .optionalComputed, forcesReplacement: true, description: "Its namespace; the context's by default."),
            "type": AttributeSchema(.string, .optional, forcesReplacement: true, defaultValue: .string("Opaque"), description: "The Secret type."),
            "labels": AttributeSchema(.map(.string), .optional, description: "Labels."),
            "annotations": AttributeSchema(.map(.string), .optional, description: "Annotations."),
            "data": AttributeSchema(.map(.string), .optional, sensitive: true, description: "The data, as text (UTF-8); encoded by Tandem."),
        ]
    }

    static func manifest(_ value: Value) -> Value {
        var metadata: [String: Value] = ["name": value["name"]]
        if value["namespace"] != .null { metadata["namespace"] = value["namespace"] }
        if value["labels"] != .null { metadata["labels"] = value["labels"] }
        if value["annotations"] != .null { metadata["annotations"] = value["annotations"] }
        var object: [String: Value] = ["apiVersion": .string("v1"), "kind": .string("Secret"), "metadata": .map(metadata), "type": value["type"]]
        if case .map(let data) = value["data"] {
            object["data"] = .map(data.mapValues { item in item.stringValue.map { .string(Data($0.utf8).base64EncodedString()) } ?? item })
        } else if value["data"] == .unknown {
            object["data"] = .unknown
        }
        return .map(object)
    }

    static func attributes(from manifest: Value, like: Value) throws -> Value {
        var entries = settings(of: like)
        entries["name"] = manifest["metadata"]["name"]
        entries["namespace"] = manifest["metadata"]["namespace"]
        entries["type"] = manifest["type"] == .null ? .string("Opaque") : manifest["type"]
        entries["labels"] = manifest["metadata"]["labels"]
        entries["annotations"] = manifest["metadata"]["annotations"]
        if case .map(let data) = manifest["data"] {
            var decoded: [String: Value] = [:]
            for (key, item) in data {
                guard let text = item.stringValue, let bytes = Data(base64Encoded: text), let string = String(data: bytes, encoding: .utf8) else {
                    throw ProviderError("the Secret's data \(key) is not UTF-8 text; kubernetes_secret holds text only", attributePath: "data")
                }
                decoded[key] = .string(string)
            }
            entries["data"] = .map(decoded)
        } else {
            entries["data"] = .null
        }
        return .map(entries)
    }

    static func attributePath(ofField field: String) -> String {
        if field.hasPrefix("data") { return "data" }
        if field.hasPrefix("metadata.labels") { return "labels" }
        if field.hasPrefix("metadata.annotations") { return "annotations" }
        if field.hasPrefix("metadata.namespace") { return "namespace" }
        if field.hasPrefix("type") { return "type" }
        return "name"
    }

    static func validate(_ value: Value) -> [ProviderError] { validateSettings(value) }

    static func importID(of reference: ObjectReference) -> String { "\(reference.namespace ?? "")/\(reference.name)" }

    static func reference(importID: String) -> ObjectReference? {
        let parts = importID.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts.contains(where: \.isEmpty) else { return nil }
        return ObjectReference(apiVersion: "v1", kind: "Secret", namespace: parts[0], name: parts[1])
    }
}
