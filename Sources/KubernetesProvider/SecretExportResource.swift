import Foundation
import KubernetesClient
import TandemCore
import TandemEngine

/// `kubernetes_secret_export`: a Secret that something else writes (Rook's `<realm>-keys`, an RBD mirroring peer
/// token), read into the plan once it exists so another cluster's `kubernetes_secret` can carry its data. Creating it
/// waits for the Secret; refresh re-reads it, so a rotated secret shows as a change and its copies follow; deleting it
/// leaves the Secret alone. Unlike a data source, it can wait for a Secret created during the same apply.
enum SecretExportResource {
    static let typeName = "kubernetes_secret_export"

    static var schema: ResourceSchema {
        ResourceSchema(attributes: [
            "name": AttributeSchema(.string, .optionalComputed, forcesReplacement: true, description: "The Secret's name (or name_from)."),
            "name_from": AttributeSchema(.map(.string), .optional, forcesReplacement: true,
                                         description: "Where the Secret's name is written, when an operator names it: api_version, kind, name (and namespace) of an object, and the field holding the name, e.g. status.info.rbdMirrorBootstrapPeerSecretName of a CephBlockPool. Apply waits until the field is set."),
            "namespace": AttributeSchema(.string, .optionalComputed, forcesReplacement: true, description: "Its namespace; the context's by default."),
            "wait_timeout": AttributeSchema(.string, .optional, defaultValue: .string("10m"), description: "How long to wait for the Secret to appear."),
            "data": AttributeSchema(.map(.string), .computed, sensitive: true, description: "Its data, decoded (UTF-8 text)."),
            "type": AttributeSchema(.string, .computed, description: "Its type."),
        ], description: "A Secret written by an operator, read into the plan (waiting for it) to be copied elsewhere")
    }

    /// The keys of `name_from`, and which of them are required.
    private static let nameFromKeys: [(key: String, required: Bool)] = [("api_version", true), ("kind", true), ("name", true), ("namespace", false), ("field", true)]

    /// Plan-time checks: the name given one way exactly, `name_from` complete.
    static func validate(_ value: Value) -> [ProviderError] {
        let nameFrom = value["name_from"]
        switch (value["name"] == .null, nameFrom == .null) {
        case (true, true): return [ProviderError("set name, or name_from when an operator names the Secret", attributePath: "name")]
        case (false, false): return [ProviderError("set name or name_from, not both", attributePath: "name_from")]
        case (false, true): return []
        case (true, false): break
        }
        guard let entries = nameFrom.mapValue else { return [] }
        var problems: [ProviderError] = []
        for key in entries.keys.sorted() where !nameFromKeys.contains(where: { $0.key == key }) {
            problems.append(ProviderError("name_from has no key \(key); its keys are \(nameFromKeys.map(\.key).joined(separator: ", "))", attributePath: "name_from.\(key)"))
        }
        for (key, required) in nameFromKeys where required && entries[key] == nil {
            problems.append(ProviderError("name_from needs \(key)", attributePath: "name_from"))
        }
        return problems
    }

    /// The Secret's name as written in the object `name_from` points at, once that field is set (waiting for it).
    static func waitForName(_ value: Value, client: KubernetesClient, timeout: Duration, progress: ProgressReporter) async throws -> String {
        let source = value["name_from"]
        let object = ObjectReference(apiVersion: source["api_version"].stringValue ?? "", kind: source["kind"].stringValue ?? "",
                                     namespace: source["namespace"].stringValue ?? value["namespace"].stringValue, name: source["name"].stringValue ?? "")
        let field = source["field"].stringValue ?? ""
        func name(in live: Value?) -> String? {
            guard let live else { return nil }
            let found = field.split(separator: ".").reduce(live) { $0[String($1)] }.stringValue
            return found?.isEmpty == false ? found : nil
        }
        if let found = name(in: try await client.get(object)) { return found }
        progress("waiting for \(object) to name the Secret in \(field)")
        guard let found = try await KubernetesClient.poll(timeout: timeout, { name(in: try await client.get(object)) }) else {
            throw ProviderError("\(object) did not set \(field) within \(timeout) (its operator writes it)", attributePath: "name_from.field")
        }
        return found
    }

    static func reference(_ value: Value, defaultNamespace: String) -> ObjectReference {
        ObjectReference(apiVersion: "v1", kind: "Secret", namespace: value["namespace"].stringValue ?? defaultNamespace,
                        name: value["name"].stringValue ?? "")
    }

    /// The attributes for a live Secret.
    static func attributes(of secret: Value, like value: Value) throws -> Value {
        .map(["name": secret["metadata"]["name"], "name_from": value["name_from"], "namespace": secret["metadata"]["namespace"], "wait_timeout": value["wait_timeout"],
              "data": try decodedData(secret), "type": secret["type"]])
    }

    /// A Secret's data decoded to text.
    static func decodedData(_ secret: Value) throws -> Value {
        var decoded: [String: Value] = [:]
        for (key, item) in secret["data"].mapValue ?? [:] {
            guard let text = item.stringValue, let bytes = Data(base64Encoded: text), let string = String(data: bytes, encoding: .utf8) else {
                throw ProviderError("the data \(key) of Secret \(secret["metadata"]["name"].stringValue ?? "") is not UTF-8 text")
            }
            decoded[key] = .string(string)
        }
        return .map(decoded)
    }

    /// Waits until the Secret exists and returns it.
    static func waitForSecret(_ reference: ObjectReference, client: KubernetesClient, timeout: Duration,
                              progress: ProgressReporter) async throws -> Value {
        if let secret = try await client.get(reference) { return secret }
        progress("waiting for Secret \(reference.namespace ?? "")/\(reference.name) to be written")
        guard let secret = try await KubernetesClient.poll(timeout: timeout, { try await client.get(reference) }) else {
            throw ProviderError("Secret \(reference.namespace ?? "")/\(reference.name) did not appear within \(timeout) (its writer, e.g. the Rook operator, must create it)")
        }
        return secret
    }
}
