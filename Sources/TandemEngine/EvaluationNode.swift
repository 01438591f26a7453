import TandemCore

/// One thing the engine evaluates: a resource or data source instance, a module input, a local value or an output.
/// Edges between nodes come from the references in their expressions.
public enum EvaluationNode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// A resource or data source instance.
    case resource(ResourceAddress)
    /// An input variable of a module instance (root variables are given values, not nodes).
    case variable(ModulePath, String)
    /// A local value of a module instance.
    case local(ModulePath, String)
    /// An output of a module instance (the root module's outputs included).
    case output(ModulePath, String)

    /// The module instance the node belongs to.
    public var modulePath: ModulePath {
        switch self {
        case .resource(let address): return address.modulePath
        case .variable(let path, _), .local(let path, _), .output(let path, _): return path
        }
    }

    /// The resource address when the node is a resource or data source instance.
    public var resourceAddress: ResourceAddress? {
        if case .resource(let address) = self { return address }
        return nil
    }

    /// The node as users write it (`aws_s3_bucket.replica`, `module.site.var.region`, `local.tags`).
    public var description: String {
        let prefix = modulePath.map { "\($0)." }.joined()
        switch self {
        case .resource(let address): return address.description
        case .variable(_, let name): return "\(prefix)var.\(name)"
        case .local(_, let name): return "\(prefix)local.\(name)"
        case .output(_, let name): return "\(prefix)output.\(name)"
        }
    }

    private var rank: Int {
        switch self {
        case .variable: return 0
        case .local: return 1
        case .resource: return 2
        case .output: return 3
        }
    }

    /// By module path, then kind (variables, locals, resources, outputs), then address or name.
    public static func < (lhs: EvaluationNode, rhs: EvaluationNode) -> Bool {
        if lhs.modulePath != rhs.modulePath { return lhs.modulePath.lexicographicallyPrecedes(rhs.modulePath) }
        switch (lhs, rhs) {
        case (.resource(let a), .resource(let b)): return a < b
        case (.variable(_, let a), .variable(_, let b)), (.local(_, let a), .local(_, let b)), (.output(_, let a), .output(_, let b)):
            return a < b
        default: return lhs.rank < rhs.rank
        }
    }
}

/// A group of instances read as one value in expressions: a resource declaration (`aws_sqs_queue.dlq`, a list under
/// `count`, a map under `for_each`) or a module call (`module.site`).
public enum InstanceGroup: Sendable, Hashable {
    /// The instances of one resource or data source declaration (the address has no key).
    case resource(ResourceAddress)
    /// The instances of module call `name` made from the module instance `parent`.
    case module(parent: ModulePath, name: String)
}

/// The instance keys of a group and how the group reads: one object, a list (`count`) or a map (`for_each`).
public struct GroupShape: Sendable {
    /// How the instances are collected into one value.
    public enum Kind: Sendable {
        /// No `count`/`for_each`: the group is its single instance.
        case single
        /// `count`: a list in index order.
        case list
        /// `for_each`: a map by key.
        case map
    }

    /// How the group reads.
    public var kind: Kind
    /// The instance keys, in order (one nil key for `.single`).
    public let keys: [InstanceKey?]
    /// False for the stand-in shape `validate` uses when `count`/`for_each` is not known: the group then reads as unknown.
    public let keysKnown: Bool
    private let members: Set<InstanceKey?>

    /// Creates a shape.
    public init(kind: Kind, keys: [InstanceKey?], keysKnown: Bool = true) {
        self.kind = kind
        self.keys = keys
        self.keysKnown = keysKnown
        self.members = Set(keys)
    }

    /// True when the group has an instance with `key`.
    public func contains(_ key: InstanceKey?) -> Bool {
        members.contains(key)
    }

    /// The group's value from its instances' values.
    public func collect(_ value: (InstanceKey?) -> Value) -> Value {
        guard keysKnown else { return .unknown }
        switch kind {
        case .single: return keys.first.map { value($0) } ?? .null
        case .list: return .list(keys.map(value))
        case .map:
            var entries: [String: Value] = [:]
            for key in keys { if case .key(let name)? = key { entries[name] = value(key) } }
            return .map(entries)
        }
    }
}
