import TandemCore

/// Names one object: its API version and kind, its namespace (nil for cluster-scoped kinds) and its name.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    /// `v1`, `apps/v1`, `ceph.rook.io/v1`.
    public var apiVersion: String
    /// `Secret`, `CephObjectRealm`.
    public var kind: String
    /// The namespace, nil for cluster-scoped objects.
    public var namespace: String?
    /// The name.
    public var name: String

    /// Creates a reference.
    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// The reference of a manifest (its `apiVersion`, `kind`, `metadata.namespace` and `metadata.name`); nil when one
    /// of apiVersion, kind and name is missing.
    public init?(manifest: Value) {
        guard let apiVersion = manifest["apiVersion"].stringValue, let kind = manifest["kind"].stringValue,
              let name = manifest["metadata"]["name"].stringValue else { return nil }
        self.init(apiVersion: apiVersion, kind: kind, namespace: manifest["metadata"]["namespace"].stringValue, name: name)
    }

    /// The API group (empty for the core group).
    public var group: String { apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : "" }
    /// The version within the group.
    public var version: String { String(apiVersion.split(separator: "/").last ?? "") }

    /// `Kind namespace/name` or `Kind name`.
    public var description: String { "\(kind) \(namespace.map { "\($0)/" } ?? "")\(name)" }
}
