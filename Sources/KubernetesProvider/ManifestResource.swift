import KubernetesClient
import TandemCore
import TandemEngine

/// `kubernetes_manifest`: any object, written as a manifest (apiVersion, kind, metadata, spec...). Only the fields
/// the manifest sets are Tandem's (its managedFields entry): fields other managers or defaults add never show as drift.
/// Secrets are `kubernetes_secret`, so their data is masked everywhere.
enum ManifestResource: KubernetesObjectType {
    static let typeName = "kubernetes_manifest"
    static let summary = "A Kubernetes object of any kind, applied by server-side apply"
    static let importForm = "API_VERSION,KIND,NAMESPACE/NAME (or API_VERSION,KIND,NAME when cluster-scoped), e.g. ceph.rook.io/v1,CephObjectRealm,rook-ceph/realm-a"

    static var attributes: [String: AttributeSchema] {
        ["manifest": AttributeSchema(.document, .required,
                                     description: "The object as a manifest: apiVersion, kind, metadata (name, and namespace for namespaced kinds) and the rest.")]
    }

    static func manifest(_ value: Value) -> Value { value["manifest"] }

    static func attributes(from manifest: Value, like: Value) throws -> Value {
        var entries = settings(of: like)
        entries["manifest"] = manifest
        return .map(entries)
    }

    static func attributePath(ofField field: String) -> String { "manifest." + field }

    static func validate(_ value: Value) -> [ProviderError] {
        let manifest = value["manifest"]
        guard manifest != .unknown else { return [] }
        guard manifest.mapValue != nil else { return [ProviderError("manifest must be a map (an object)", attributePath: "manifest")] }
        var problems = validateSettings(value)
        for field in ["apiVersion", "kind"] where manifest[field] != .unknown && manifest[field].stringValue?.isEmpty ?? true {
            problems.append(ProviderError("manifest.\(field) is required", attributePath: "manifest"))
        }
        if manifest["metadata"]["name"] != .unknown, manifest["metadata"]["name"].stringValue?.isEmpty ?? true {
            problems.append(ProviderError("manifest.metadata.name is required (generateName cannot be tracked)", attributePath: "manifest.metadata"))
        }
        if manifest["kind"].stringValue == "Secret", manifest["apiVersion"].stringValue == "v1" {
            problems.append(ProviderError("write Secrets as kubernetes_secret, which masks their data in plans, logs and output", attributePath: "manifest.kind"))
        }
        if manifest["status"] != .null {
            problems.append(ProviderError("status is written by the object's controller, not by apply: remove it", attributePath: "manifest.status"))
        }
        return problems
    }

    static func importID(of reference: ObjectReference) -> String {
        "\(reference.apiVersion),\(reference.kind),\(reference.namespace.map { "\($0)/" } ?? "")\(reference.name)"
    }

    static func reference(importID: String) -> ObjectReference? {
        let parts = importID.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        let names = parts[2].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(names.count), !names.contains(where: \.isEmpty) else { return nil }
        return ObjectReference(apiVersion: parts[0], kind: parts[1], namespace: names.count == 2 ? names[0] : nil, name: names.last!)
    }
}
