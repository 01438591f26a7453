import TandemCore

/// A CustomResourceDefinition (apiextensions.k8s.io/v1) as far as Tandem needs it: what it names, where its
/// objects live, and each version's schema, read once so that validating many objects never re-reads the document.
public struct CustomResourceDefinition: Sendable {
    /// Whether the custom resources live in a namespace.
    public enum Scope: String, Sendable {
        /// Each object belongs to a namespace.
        case namespaced = "Namespaced"
        /// Objects are cluster-wide.
        case cluster = "Cluster"
    }

    /// `spec.names`.
    public struct Names: Sendable, Hashable {
        /// `kind`, as objects write it (`CephObjectStore`).
        public var kind: String
        /// `plural`, the resource in URLs (`cephobjectstores`).
        public var plural: String
        /// `singular`, lower case; the server defaults it to the lower-cased kind.
        public var singular: String
        /// `shortNames` (`cephos`).
        public var shortNames: [String]
        /// `listKind`; the server defaults it to kind + "List".
        public var listKind: String
        /// `categories` (`all`, `ceph`).
        public var categories: [String]
    }

    /// One entry of `spec.versions`.
    public struct Version: Sendable {
        /// `name` (`v1`, `v1alpha1`).
        public var name: String
        /// `served`: the API server answers for this version.
        public var served: Bool
        /// `storage`: objects are stored in this version (exactly one version has it).
        public var storage: Bool
        /// `deprecated`: the server warns on use.
        public var deprecated: Bool
        /// `schema.openAPIV3Schema`, compiled.
        public var schema: OpenAPISchema?
        /// `subresources.status` is set: `status` is written through `/status` and ignored on the main resource.
        public var hasStatusSubresource: Bool
    }

    /// `metadata.name`, `<plural>.<group>`.
    public var name: String
    /// `spec.group` (`ceph.rook.io`).
    public var group: String
    /// `spec.names`.
    public var names: Names
    /// `spec.scope`.
    public var scope: Scope
    /// `spec.versions`, in the document's order.
    public var versions: [Version]

    /// True when `document` is a CustomResourceDefinition of any apiextensions version.
    public static func isDefinition(_ document: Value) -> Bool {
        document["kind"].stringValue == "CustomResourceDefinition"
            && document["apiVersion"].stringValue?.hasPrefix("apiextensions.k8s.io/") == true
    }

    /// Reads a CRD document (apiextensions.k8s.io/v1). Throws ``CustomResourceDefinitionError`` naming the field
    /// when a required one is missing or has the wrong type, a version's schema cannot be read, or the name or spec
    /// holds values known only after apply.
    public init(_ document: Value) throws {
        let apiVersion = document["apiVersion"].stringValue ?? ""
        guard apiVersion == "apiextensions.k8s.io/v1" else {
            throw CustomResourceDefinitionError(apiVersion.hasPrefix("apiextensions.k8s.io/")
                ? "\(apiVersion) CRDs are not read; write it as apiextensions.k8s.io/v1 (what `kubectl get crd NAME -o yaml` prints)"
                : "not a CustomResourceDefinition: apiVersion is \(apiVersion.isEmpty ? "missing" : "\"\(apiVersion)\"")")
        }
        guard !document["spec"].containsUnknown, !document["metadata"]["name"].containsUnknown else {
            throw CustomResourceDefinitionError("its name or spec holds values known only after apply; a CRD must be known when planning")
        }
        let fields = DocumentFields(document)
        name = try fields.string("metadata", "name")
        group = try fields.string("spec", "group")
        let kind = try fields.string("spec", "names", "kind")
        names = Names(kind: kind, plural: try fields.string("spec", "names", "plural"),
                      singular: try fields.optionalString("spec", "names", "singular") ?? kind.lowercased(),
                      shortNames: try fields.strings("spec", "names", "shortNames"),
                      listKind: try fields.optionalString("spec", "names", "listKind") ?? kind + "List",
                      categories: try fields.strings("spec", "names", "categories"))
        let scopeName = try fields.string("spec", "scope")
        guard let scope = Scope(rawValue: scopeName) else {
            throw CustomResourceDefinitionError("spec.scope must be Namespaced or Cluster, not \"\(scopeName)\"")
        }
        self.scope = scope
        guard let versionDocuments = document["spec"]["versions"].listValue, !versionDocuments.isEmpty else {
            throw CustomResourceDefinitionError("spec.versions must list at least one version")
        }
        versions = try versionDocuments.enumerated().map { index, version in
            let fields = DocumentFields(version, prefix: "spec.versions[\(index)]")
            let schema: OpenAPISchema?
            do {
                schema = try version["schema"]["openAPIV3Schema"].mapValue.map { try OpenAPISchema(.map($0)) }
            } catch let error as OpenAPISchemaError {
                throw CustomResourceDefinitionError("spec.versions[\(index)].schema.\(error)")
            }
            return Version(name: try fields.string("name"), served: try fields.bool("served"), storage: try fields.bool("storage"),
                           deprecated: try fields.optionalBool("deprecated") ?? false, schema: schema,
                           hasStatusSubresource: version["subresources"]["status"].mapValue != nil)
        }
    }

    /// The version called `name`.
    public func version(named name: String) -> Version? {
        versions.first { $0.name == name }
    }

    /// The version objects are stored in.
    public var storageVersion: Version? {
        versions.first(where: \.storage)
    }

    /// `group/version` of every served version, storage version first.
    public var servedAPIVersions: [String] {
        versions.filter(\.served).sorted { $0.storage && !$1.storage }.map { "\(group)/\($0.name)" }
    }
}

/// A CRD document that cannot be read: which one and why.
public struct CustomResourceDefinitionError: Error, Sendable, CustomStringConvertible {
    /// The file the document came from, when it came from one.
    public var file: String?
    /// The document's position in the file, from 1.
    public var documentNumber: Int?
    /// What is wrong.
    public var message: String

    init(_ message: String, file: String? = nil, documentNumber: Int? = nil) {
        self.message = message
        self.file = file
        self.documentNumber = documentNumber
    }

    /// `file (document N): message`.
    public var description: String {
        guard let file else { return message }
        return "\(file)\(documentNumber.map { " (document \($0))" } ?? ""): \(message)"
    }
}

/// Typed reads of a CRD document's fields, with errors that name the field.
private struct DocumentFields {
    let document: Value
    var prefix: String?

    init(_ document: Value, prefix: String? = nil) {
        self.document = document
        self.prefix = prefix
    }

    private func lookup(_ path: [String]) -> (value: Value, name: String) {
        let value = path.reduce(document) { $0[$1] }
        return (value, ([prefix].compactMap { $0 } + path).joined(separator: "."))
    }

    func optionalString(_ path: String...) throws -> String? { try optionalString(path) }

    private func optionalString(_ path: [String]) throws -> String? {
        let (value, name) = lookup(path)
        if value == .null { return nil }
        guard let text = value.stringValue else { throw CustomResourceDefinitionError("\(name) must be a string, not \(value.typeName)") }
        return text
    }

    func string(_ path: String...) throws -> String {
        guard let text = try optionalString(path), !text.isEmpty else {
            throw CustomResourceDefinitionError("missing required field \(lookup(path).name)")
        }
        return text
    }

    func optionalBool(_ path: String...) throws -> Bool? { try optionalBool(path) }

    private func optionalBool(_ path: [String]) throws -> Bool? {
        let (value, name) = lookup(path)
        if value == .null { return nil }
        guard let flag = value.boolValue else { throw CustomResourceDefinitionError("\(name) must be true or false, not \(value.typeName)") }
        return flag
    }

    func bool(_ path: String...) throws -> Bool {
        guard let flag = try optionalBool(path) else { throw CustomResourceDefinitionError("missing required field \(lookup(path).name)") }
        return flag
    }

    func strings(_ path: String...) throws -> [String] {
        let (value, name) = lookup(path)
        if value == .null { return [] }
        let strings = value.listValue?.compactMap(\.stringValue)
        guard let strings, strings.count == value.listValue?.count else {
            throw CustomResourceDefinitionError("\(name) must be a list of strings")
        }
        return strings
    }
}
