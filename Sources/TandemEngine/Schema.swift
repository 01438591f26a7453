import TandemCore

/// The type of an attribute.
public indirect enum AttributeType: Sendable, Equatable, CustomStringConvertible {
    /// Text.
    case string
    /// A number (integers and decimals).
    case number
    /// true or false.
    case bool
    /// An ordered list of one element type.
    case list(AttributeType)
    /// A map from strings to one element type.
    case map(AttributeType)
    /// A nested block with its own attributes.
    case object([String: AttributeSchema])
    /// An IAM-grammar policy document written as a map (or JSON text), kept in `PolicyDocument` normal form so
    /// equivalent documents compare equal.
    case policyDocument
    /// Any document (a Kubernetes manifest): maps, lists and scalars as written, compared field by field.
    case document

    /// The type as users write it in messages.
    public var description: String {
        switch self {
        case .string: return "string"
        case .number: return "number"
        case .bool: return "bool"
        case .list(let element): return "list of \(element)"
        case .map(let element): return "map of \(element)"
        case .object: return "map (block)"
        case .policyDocument: return "policy document (map)"
        case .document: return "document"
        }
    }
}

/// How an attribute gets its value.
public enum AttributeMode: Sendable, Equatable {
    /// Must be set in configuration.
    case required
    /// May be set; when unset it is null (or the schema default).
    case optional
    /// May be set; when unset, the provider's value is kept (server defaults, values known after apply).
    case optionalComputed
    /// Set by the provider only; reading it in configuration is fine, setting it is an error.
    case computed
}

/// One attribute of a resource or provider schema.
public struct AttributeSchema: Sendable, Equatable {
    /// The value type.
    public var type: AttributeType
    /// Required, optional or computed.
    public var mode: AttributeMode
    /// Changing it forces the resource to be replaced.
    public var forcesReplacement: Bool
    /// Masked in plans, logs and output.
    public var sensitive: Bool
    /// The value used when configuration leaves an optional attribute unset.
    public var defaultValue: Value?
    /// One line for documentation and messages.
    public var description: String
    /// The only values a string attribute accepts, when restricted.
    public var allowedValues: [String]?
    /// For a computed attribute: the attributes from which the provider derives it. An update that changes one of them
    /// plans it as known after apply, so resources that refer to it are planned to change too (a replicator's push
    /// endpoint follows its `listen`; an RGW topic's ARN stands for the copy of the topic each notification holds).
    public var recomputedOnChangeOf: Set<String> = []

    /// Creates an attribute schema.
    public init(_ type: AttributeType, _ mode: AttributeMode, forcesReplacement: Bool = false, sensitive: Bool = false,
                defaultValue: Value? = nil, allowedValues: [String]? = nil, description: String = "") {
        self.allowedValues = allowedValues
        self.type = type
        self.mode = mode
        self.forcesReplacement = forcesReplacement
        self.sensitive = sensitive
        self.defaultValue = defaultValue
        self.description = description
    }

    /// True when configuration may set the attribute.
    public var isSettable: Bool { mode != .computed }
}

/// The schema of a resource type (or of a provider's configuration block).
public struct ResourceSchema: Sendable, Equatable {
    /// Attributes by name.
    public var attributes: [String: AttributeSchema]
    /// One line describing the type.
    public var description: String

    /// Creates a schema.
    public init(attributes: [String: AttributeSchema], description: String = "") {
        self.attributes = attributes
        self.description = description
    }

    /// The paths (dotted) of all sensitive attributes, nested blocks included.
    public var sensitivePaths: Set<String> {
        func collect(_ attributes: [String: AttributeSchema], prefix: String) -> Set<String> {
            var paths: Set<String> = []
            for (name, attribute) in attributes {
                let path = prefix.isEmpty ? name : "\(prefix).\(name)"
                if attribute.sensitive { paths.insert(path) }
                if case .object(let nested) = attribute.type { paths.formUnion(collect(nested, prefix: path)) }
            }
            return paths
        }
        return collect(attributes, prefix: "")
    }
}
