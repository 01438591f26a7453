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
            "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "The Secret's name."),
            "namespace": AttributeSchema(.string, .optionalComputed, forcesReplacement: true, description: "Its namespace; the context's by default."),
            "wait_timeout": AttributeSchema(.string, .optional, defaultValue: .string("10m"), description: "How long to wait for the Secret to appear."),
            "data": AttributeSchema(.map(.string), .computed, sensitive: true, description: "Its data, decoded (UTF-8 text)."),
            "type": AttributeSchema(.string, .computed, description: "Its type."),
        ], description: "A Secret written by an operator, read into the plan (waiting for it) to be copied elsewhere")
    }

    static func reference(_ value: Value, defaultNamespace: String) -> ObjectReference {
        ObjectReference(apiVersion: "v1", kind: "Secret", namespace: value["namespace"].stringValue ?? defaultNamespace,
                        name: value["name"].stringValue ?? "")
    }

    /// The attributes for a live Secret.
    static func attributes(of secret: Value, like value: Value) throws -> Value {
        .map(["name": secret["metadata"]["name"], "namespace": secret["metadata"]["namespace"], "wait_timeout": value["wait_timeout"],
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
