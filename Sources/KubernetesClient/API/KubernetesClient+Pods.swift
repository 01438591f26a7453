import Foundation
import TandemCore

extension KubernetesClient {
    /// The objects of `apiVersion`/`kind` in `namespace` (the context's when nil; ignored for cluster-scoped kinds)
    /// whose labels match `labelSelector` (`key=value,...`).
    public func list(apiVersion: String, kind: String, namespace: String? = nil, labelSelector: String? = nil) async throws -> [Value] {
        guard let resource = try await resource(apiVersion: apiVersion, kind: kind) else {
            throw KubernetesUnknownKindError(apiVersion: apiVersion, kind: kind, context: connection.access.contextName)
        }
        let scope = resource.namespaced ? (namespace ?? defaultNamespace) : nil
        let operation = "list \(kind)" + (scope.map { " in \($0)" } ?? "")
        let body = try await connection.send(.GET, resource.collectionPath(namespace: scope), query: labelSelector.map { [("labelSelector", $0)] } ?? [],
                                             operation: operation)
        return try Self.decode(body, operation: operation)["items"].listValue ?? []
    }

    /// The body of `GET path` on port `port` of pod `namespace/name`, through the API server's pod proxy (the
    /// `pods/proxy` subresource): how a workstation reaches a pod it has no route to.
    public func proxyGet(pod name: String, namespace: String, port: Int, path: String) async throws -> [UInt8] {
        try await connection.send(.GET, "/api/v1/namespaces/\(namespace)/pods/\(name):\(port)/proxy\(path)",
                                  operation: "GET \(path) of pod \(namespace)/\(name) through the API server")
    }
}
