/// Where a field sits inside an object: map keys and list indices from the root, so a caller can find the field's
/// line in the source it was read from.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// One step: a map key or a list index.
    public enum Component: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        /// A map key.
        case key(String)
        /// A list index (from 0).
        case index(Int)

        /// A key written as a string literal.
        public init(stringLiteral value: String) { self = .key(value) }
        /// An index written as an integer literal.
        public init(integerLiteral value: Int) { self = .index(value) }
    }

    /// The steps from the root, outermost first.
    public var components: [Component]

    /// A path made of `components`.
    public init(_ components: [Component]) { self.components = components }

    /// A path written as a list of keys and indices: `["spec", "pools", 0, "name"]`.
    public init(arrayLiteral elements: Component...) { self.components = elements }

    /// The path extended by one key.
    public func appending(_ key: String) -> FieldPath { FieldPath(components + [.key(key)]) }

    /// The path extended by one index.
    public func appending(_ index: Int) -> FieldPath { FieldPath(components + [.index(index)]) }

    /// The path as Kubernetes writes it: `spec.pools[0].name`; keys that are not plain names are quoted,
    /// `metadata.labels["app.kubernetes.io/name"]`. The root is `<root>`.
    public var description: String {
        if components.isEmpty { return "<root>" }
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where Self.isPlainName(key):
                text += text.isEmpty ? key : ".\(key)"
            case .key(let key):
                text += "[\"\(key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"]"
            }
        }
        return text
    }

    private static func isPlainName(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "$" }
    }
}

/// One way an object breaks its schema: the offending field and a message a user understands.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// The field the violation is about. For an unknown field, the unknown key itself; for a missing required
    /// field, the map that lacks it (the path of the missing key would not exist in the source).
    public var path: FieldPath
    /// What is wrong, without the path: `must be an integer, not the string "3"`.
    public var message: String

    /// A violation at `path`.
    public init(path: FieldPath, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
