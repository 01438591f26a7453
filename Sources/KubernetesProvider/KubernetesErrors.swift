import KubernetesClient
import TandemCore
import TandemEngine

/// The client's errors as provider errors, with the field the server names mapped to the attribute in configuration.
enum KubernetesErrors {
    static func translating<T>(_ type: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw translate(error, kind: try? KubernetesObjectTypes.named(type))
        }
    }

    static func translate(_ error: any Error, kind: (any KubernetesObjectType.Type)?) -> any Error {
        switch error {
        case let error as KubernetesAPIError:
            let field = error.causes.compactMap(\.field).first.map(fieldPath)
            var message = error.description
            if error.statusCode == 422, !error.causes.isEmpty {
                message = "\(error.operation): \(error.message)"
            }
            if error.statusCode == 403 {
                message += "\nthe kubeconfig's user may not do this; an administrator grants it with a Role or ClusterRole binding"
            }
            return ProviderError(message, attributePath: field.flatMap { field in kind.map { $0.attributePath(ofField: field) } })
        case let error as KubernetesConnectionError: return ProviderError(error.description)
        case let error as KubernetesUnknownKindError: return ProviderError(error.description)
        case let error as KubernetesWaitError: return ProviderError(error.description)
        case let error as KubernetesAuthError: return ProviderError(error.description)
        case let error as KubeconfigError: return ProviderError(error.description)
        default: return error
        }
    }

    /// A server field path (`.spec.x`, `spec.peers[0].name`, `metadata.labels[app]`) as a dotted path.
    static func fieldPath(_ field: String) -> String {
        field.hasPrefix(".") ? String(field.dropFirst()) : field
    }
}
