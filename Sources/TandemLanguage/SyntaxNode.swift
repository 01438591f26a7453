import TandemCore

/// A YAML node with the source range it came from.
public struct SyntaxNode: Sendable {
    /// The node's content.
    public var kind: Kind
    /// Where the node starts in the source (for scalars: the whole scalar on its first line).
    public var range: SourceRange

    /// The content of a YAML node.
    public enum Kind: Sendable {
        /// A single value.
        case scalar(ScalarSyntax)
        /// A YAML list.
        case sequence([SyntaxNode])
        /// A YAML map, entries in source order.
        case mapping([SyntaxEntry])
    }

    /// Creates a node.
    public init(kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The entries when this node is a mapping.
    public var entries: [SyntaxEntry]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    /// The scalar when this node is a scalar.
    public var scalar: ScalarSyntax? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The entry with key `key` when this node is a mapping.
    public func entry(_ key: String) -> SyntaxEntry? {
        entries?.first { $0.key == key }
    }

    /// A word for the node's shape, for messages.
    public var shapeName: String {
        switch kind {
        case .scalar(let scalar): return scalar.type.rawValue
        case .sequence: return "list"
        case .mapping: return "map"
        }
    }
}

/// One `key: value` pair of a YAML mapping.
public struct SyntaxEntry: Sendable {
    /// The key text.
    public var key: String
    /// Where the key is.
    public var keyRange: SourceRange
    /// The value node.
    public var value: SyntaxNode

    /// Creates an entry.
    public init(key: String, keyRange: SourceRange, value: SyntaxNode) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

/// A YAML scalar after YAML 1.1 core tag resolution.
public struct ScalarSyntax: Sendable {
    /// The type YAML resolved the scalar to.
    public enum ScalarType: String, Sendable {
        /// `null`, `~` or nothing.
        case null
        /// `true`/`false` (and YAML 1.1's `yes`/`no`/`on`/`off`).
        case bool
        /// An integer or float.
        case number
        /// Anything else, and every quoted scalar.
        case string
    }

    /// The scalar's text after YAML unquoting.
    public var text: String
    /// The resolved type.
    public var type: ScalarType
    /// Where the scalar's content (inside quotes, if quoted) starts; used to place expression ranges.
    public var contentStart: SourcePosition
    /// True when the text spans several source lines (block or folded scalars), so column arithmetic is approximate.
    public var isMultiline: Bool

    /// Creates a scalar.
    public init(text: String, type: ScalarType, contentStart: SourcePosition, isMultiline: Bool) {
        self.text = text
        self.type = type
        self.contentStart = contentStart
        self.isMultiline = isMultiline
    }
}
