import Foundation
import NIOHTTP1
import TandemCore

/// Reads and writes objects of one cluster: discovery, get, server-side apply (live or dry-run), delete, waits.
///
/// Objects are `Value`s (JSON trees). Writes go through server-side apply with one field manager, so the server
/// records which fields this client owns (``ManagedFields``).
public final class KubernetesClient: Sendable {
    /// The connection (and through it, the cluster access).
    public let connection: KubernetesConnection
    /// The field manager every apply is made as.
    public let fieldManager: String
    private let discovery: APIDiscovery

    /// A client over `connection`, applying as `fieldManager`.
    public init(connection: KubernetesConnection, fieldManager: String = "tandem") {
        self.connection = connection
        self.fieldManager = fieldManager
        self.discovery = APIDiscovery(connection: connection)
    }

    /// The context's namespace, used for namespaced objects that name none.
    public var defaultNamespace: String { connection.access.namespace }

    /// What the server knows of `apiVersion`/`kind`; nil when it does not serve it (yet).
    public func resource(apiVersion: String, kind: String) async throws -> APIResource? {
        try await discovery.resource(apiVersion: apiVersion, kind: kind)
    }

    /// Forgets the cached discovery of `apiVersion` (call after creating or changing a CRD of that group).
    public func refreshDiscovery(apiVersion: String) async {
        await discovery.forget(apiVersion: apiVersion)
    }

    /// Waits until discovery serves `kind` in `apiVersion`: an API server lists a new CRD's resources a moment
    /// after the CRD reports Established. Throws the unknown-kind error when `timeout` passes first.
    public func waitUntilServed(apiVersion: String, kind: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            await discovery.forget(apiVersion: apiVersion)
            if try await resource(apiVersion: apiVersion, kind: kind) != nil { return }
            guard ContinuousClock.now < deadline else {
                throw KubernetesUnknownKindError(apiVersion: apiVersion, kind: kind, context: connection.access.contextName)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The server's resource for `reference` and the namespace the object lives in (the context's for a namespaced
    /// kind that names none; nil for a cluster-scoped one).
    public func locate(_ reference: ObjectReference) async throws -> (APIResource, namespace: String?) {
        guard let resource = try await resource(apiVersion: reference.apiVersion, kind: reference.kind) else {
            throw KubernetesUnknownKindError(apiVersion: reference.apiVersion, kind: reference.kind, context: connection.access.contextName)
        }
        if !resource.namespaced, let namespace = reference.namespace {
            throw KubernetesConnectionError("\(reference.kind) is cluster-scoped: remove metadata.namespace (\(namespace))")
        }
        return (resource, resource.namespaced ? (reference.namespace ?? defaultNamespace) : nil)
    }

    /// The live object; nil when it does not exist.
    public func get(_ reference: ObjectReference) async throws -> Value? {
        let (resource, namespace) = try await locate(reference)
        do {
            let body = try await connection.send(.GET, resource.objectPath(namespace: namespace, name: reference.name), operation: "get \(reference)")
            return try Self.decode(body, operation: "get \(reference)")
        } catch let error as KubernetesAPIError where error.isNotFound {
            return nil
        }
    }

    /// Applies `manifest` by server-side apply and returns the object the server stored (or, with `dryRun`, would
    /// store: defaulted, admitted and validated, nothing written). `force` takes fields over from other managers.
    public func apply(_ manifest: Value, force: Bool = false, dryRun: Bool = false) async throws -> Value {
        guard let reference = ObjectReference(manifest: manifest) else {
            throw KubernetesConnectionError("a manifest needs apiVersion, kind and metadata.name")
        }
        let (resource, namespace) = try await locate(reference)
        var object = manifest
        if let namespace, case .map(var entries) = object {
            var metadata = entries["metadata"]?.mapValue ?? [:]
            metadata["namespace"] = .string(namespace)
            entries["metadata"] = .map(metadata)
            object = .map(entries)
        }
        var query = [("fieldManager", fieldManager), ("force", force ? "true" : "false")]
        if dryRun { query.append(("dryRun", "All")) }
        let operation = "\(dryRun ? "dry-run apply" : "apply") \(ObjectReference(apiVersion: reference.apiVersion, kind: reference.kind, namespace: namespace, name: reference.name))"
        let body = try await connection.send(.PATCH, resource.objectPath(namespace: namespace, name: reference.name), query: query,
                                             body: Array(try object.canonicalJSON().utf8), contentType: "application/apply-patch+yaml",
                                             operation: operation)
        return try Self.decode(body, operation: operation)
    }

    /// Writes the `status` subresource with a merge patch (what an operator does; tests play operators with it).
    public func patchStatus(_ reference: ObjectReference, status: Value) async throws -> Value {
        let (resource, namespace) = try await locate(reference)
        let body = try await connection.send(.PATCH, resource.objectPath(namespace: namespace, name: reference.name) + "/status",
                                             body: Array(try Value.map(["status": status]).canonicalJSON().utf8),
                                             contentType: "application/merge-patch+json", operation: "patch status of \(reference)")
        return try Self.decode(body, operation: "patch status of \(reference)")
    }

    /// Deletes the object with `propagation` (`Background`, `Foreground` or `Orphan`); false when it did not exist.
    @discardableResult
    public func delete(_ reference: ObjectReference, propagation: String = "Background", dryRun: Bool = false) async throws -> Bool {
        let (resource, namespace) = try await locate(reference)
        let options: Value = .map(["apiVersion": .string("v1"), "kind": .string("DeleteOptions"), "propagationPolicy": .string(propagation)])
        do {
            _ = try await connection.send(.DELETE, resource.objectPath(namespace: namespace, name: reference.name),
                                          query: dryRun ? [("dryRun", "All")] : [], body: Array(try options.canonicalJSON().utf8),
                                          operation: "delete \(reference)")
            return true
        } catch let error as KubernetesAPIError where error.isNotFound {
            return false
        }
    }

    /// The cluster's CRD of `apiVersion`/`kind`; nil for a kind no CRD defines (built in, aggregated, or not served).
    public func customResourceDefinition(apiVersion: String, kind: String) async throws -> CustomResourceDefinition? {
        guard let resource = try await resource(apiVersion: apiVersion, kind: kind), !resource.group.isEmpty else { return nil }
        let name = "\(resource.plural).\(resource.group)"
        guard let document = try await get(ObjectReference(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition",
                                                           namespace: nil, name: name)) else { return nil }
        do {
            return try CustomResourceDefinition(document)
        } catch {
            throw KubernetesConnectionError("the cluster's CRD \(name) cannot be read: \(error)")
        }
    }

    static func decode(_ body: [UInt8], operation: String) throws -> Value {
        guard let value = try? Value(jsonData: Data(body)), value.mapValue != nil else {
            throw KubernetesConnectionError("\(operation): the API server's answer is not a JSON object")
        }
        return value
    }
}

/// The cluster does not serve a kind (its CRD is missing or not established yet).
public struct KubernetesUnknownKindError: Error, Sendable, CustomStringConvertible {
    /// The apiVersion asked for.
    public let apiVersion: String
    /// The kind asked for.
    public let kind: String
    /// The kubeconfig context of the cluster.
    public let context: String

    /// What is missing and what to do.
    public var description: String {
        "the cluster of context \(context) does not serve \(kind) in \(apiVersion): install its CustomResourceDefinition "
            + "(or declare it in the configuration, which creates it first)"
    }
}
