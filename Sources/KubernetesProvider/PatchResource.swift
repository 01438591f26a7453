import KubernetesClient
import TandemCore
import TandemEngine

/// `kubernetes_patch`: some fields of an object that something else created and keeps (an operator's ConfigMap such
/// as Rook's `rook-ceph-operator-config`), set by server-side apply as field manager `tandem`: a reviewed,
/// drift-checked `kubectl patch`. The object must exist (the plan says so when it does not); destroy gives the
/// fields back, removing those only Tandem set, and leaves the object to its owner.
enum PatchResource: KubernetesObjectType {
    static let typeName = "kubernetes_patch"
    static let summary = "Fields of an existing object that something else owns, set by server-side apply and removed again on destroy"
    static let importForm = ManifestResource.importForm
    static let patchesExisting = true

    static var attributes: [String: AttributeSchema] {
        ["manifest": AttributeSchema(.document, .required,
                                     description: "apiVersion, kind and metadata (name, and namespace for namespaced kinds) of the existing object, and the fields to set.")]
    }

    static func manifest(_ value: Value) -> Value { ManifestResource.manifest(value) }

    static func attributes(from manifest: Value, like: Value) throws -> Value { try ManifestResource.attributes(from: manifest, like: like) }

    static func attributePath(ofField field: String) -> String { ManifestResource.attributePath(ofField: field) }

    static func validate(_ value: Value) -> [ProviderError] { ManifestResource.validate(value) }

    static func importID(of reference: ObjectReference) -> String { ManifestResource.importID(of: reference) }

    static func reference(importID: String) -> ObjectReference? { ManifestResource.reference(importID: importID) }

    /// The error for a patch of an object that does not exist.
    static func missing(_ reference: ObjectReference) -> ProviderError {
        ProviderError("\(reference) does not exist: \(typeName) sets fields of an object something else creates (write it as kubernetes_manifest to create it)",
                      attributePath: "manifest.metadata.name")
    }

    /// The manifest that gives every field back: the object's identity alone, applied by the same field manager.
    static func release(_ reference: ObjectReference) -> Value {
        var metadata: [String: Value] = ["name": .string(reference.name)]
        if let namespace = reference.namespace { metadata["namespace"] = .string(namespace) }
        return .map(["apiVersion": .string(reference.apiVersion), "kind": .string(reference.kind), "metadata": .map(metadata)])
    }
}
