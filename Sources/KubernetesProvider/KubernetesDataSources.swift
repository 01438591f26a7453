import KubernetesClient
import TandemCore
import TandemEngine

/// The data sources: `kubernetes_object` (any live object, status included, e.g. a CephBlockPool's
/// `status.info.rbdMirrorBootstrapPeerSecretName`) and `kubernetes_secret` (a Secret's data, sensitive).
enum KubernetesDataSources {
    static let object = "kubernetes_object"
    static let secret = "kubernetes_secret"

    static var schemas: [String: ResourceSchema] {
        [
            object: ResourceSchema(attributes: [
                "api_version": AttributeSchema(.string, .required, description: "The object's apiVersion."),
                "kind": AttributeSchema(.string, .required, description: "Its kind."),
                "name": AttributeSchema(.string, .required, description: "Its name."),
                "namespace": AttributeSchema(.string, .optional, description: "Its namespace (namespaced kinds; the context's by default)."),
                "object": AttributeSchema(.document, .computed, description: "The live object, status included (without managedFields)."),
            ], description: "A live Kubernetes object"),
            secret: ResourceSchema(attributes: [
                "name": AttributeSchema(.string, .required, description: "The Secret's name."),
                "namespace": AttributeSchema(.string, .optional, description: "Its namespace; the context's by default."),
                "data": AttributeSchema(.map(.string), .computed, sensitive: true, description: "Its data, decoded (UTF-8 text)."),
                "type": AttributeSchema(.string, .computed, description: "Its type."),
            ], description: "A live Kubernetes Secret"),
        ]
    }

    static func read(type: String, arguments: Value, client: KubernetesClient) async throws -> Value {
        switch type {
        case object:
            let reference = ObjectReference(apiVersion: arguments["api_version"].stringValue ?? "", kind: arguments["kind"].stringValue ?? "",
                                            namespace: arguments["namespace"].stringValue, name: arguments["name"].stringValue ?? "")
            if reference.apiVersion == "v1", reference.kind == "Secret" {
                throw ProviderError("read Secrets with the kubernetes_secret data source, which masks their data", attributePath: "kind")
            }
            guard let live = try await client.get(reference) else { throw ProviderError("\(reference) does not exist") }
            var entries = arguments.mapValue ?? [:]
            entries["object"] = LiveObject.withoutBookkeeping(live, keepStatus: true)
            entries["namespace"] = live["metadata"]["namespace"]
            return .map(entries)
        case secret:
            let reference = ObjectReference(apiVersion: "v1", kind: "Secret", namespace: arguments["namespace"].stringValue, name: arguments["name"].stringValue ?? "")
            guard let live = try await client.get(reference) else { throw ProviderError("\(reference) does not exist") }
            return .map(["name": arguments["name"], "namespace": live["metadata"]["namespace"], "data": try SecretExportResource.decodedData(live),
                         "type": live["type"]])
        default:
            throw ProviderError("The kubernetes provider has no data source \(type)")
        }
    }
}

/// What of a live object is the user's: without the server's bookkeeping (managedFields, resourceVersion, uid,
/// timestamps, generation) and, unless asked, without status.
enum LiveObject {
    static func withoutBookkeeping(_ object: Value, keepStatus: Bool) -> Value {
        guard case .map(var entries) = object else { return object }
        if case .map(var metadata) = entries["metadata"] {
            for field in ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink"] { metadata[field] = nil }
            if case .map(var annotations) = metadata["annotations"] {
                annotations["kubectl.kubernetes.io/last-applied-configuration"] = nil
                metadata["annotations"] = annotations.isEmpty ? nil : .map(annotations)
            }
            entries["metadata"] = .map(metadata)
        }
        if !keepStatus { entries["status"] = nil }
        return .map(entries)
    }
}

extension LiveObject {
    /// The fields of `live` that `shape` (an earlier manifest) has, with their live values; lists are taken whole.
    static func restricted(_ live: Value, toShapeOf shape: Value) -> Value {
        guard case .map(let wanted) = shape, case .map(let entries) = live else { return live }
        var result: [String: Value] = [:]
        for (key, child) in wanted {
            guard let value = entries[key] else { continue }
            result[key] = restricted(value, toShapeOf: child)
        }
        return .map(result)
    }

    /// `base` with the fields of `extra` it lacks added (maps merged field by field).
    static func merged(_ base: Value, _ extra: Value) -> Value {
        guard case .map(var entries) = base, case .map(let others) = extra else { return base == .null ? extra : base }
        for (key, value) in others { entries[key] = entries[key].map { merged($0, value) } ?? value }
        return .map(entries)
    }
}
