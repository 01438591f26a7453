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
    /// The fields, shared between copies until one is changed: a plan reads attribute schemas from dictionaries for
    /// every instance, and copying each field (retaining its strings, sets and values) was a tenth of that work.
    private final class Fields: @unchecked Sendable {
        // Never mutated while shared (`fields` is copied first), so sharing it across threads is sound.
        var type: AttributeType
        var mode: AttributeMode
        var forcesReplacement: Bool
        var sensitive: Bool
        var defaultValue: Value?
        var description: String
        var allowedValues: [String]?
        var recomputedOnChangeOf: Set<String>

        init(type: AttributeType, mode: AttributeMode, forcesReplacement: Bool, sensitive: Bool, defaultValue: Value?,
             description: String, allowedValues: [String]?, recomputedOnChangeOf: Set<String>) {
            self.type = type
            self.mode = mode
            self.forcesReplacement = forcesReplacement
            self.sensitive = sensitive
            self.defaultValue = defaultValue
            self.description = description
            self.allowedValues = allowedValues
            self.recomputedOnChangeOf = recomputedOnChangeOf
        }

        func copy() -> Fields {
            Fields(type: type, mode: mode, forcesReplacement: forcesReplacement, sensitive: sensitive, defaultValue: defaultValue,
                   description: description, allowedValues: allowedValues, recomputedOnChangeOf: recomputedOnChangeOf)
        }
    }
    private var fields: Fields

    /// `fields`, copied first when another schema shares it.
    private var uniqueFields: Fields {
        mutating get {
            if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
            return fields
        }
    }

    /// The value type.
    public var type: AttributeType {
        get { fields.type }
        set { uniqueFields.type = newValue }
    }
    /// Required, optional or computed.
    public var mode: AttributeMode {
        get { fields.mode }
        set { uniqueFields.mode = newValue }
    }
    /// Changing it forces the resource to be replaced.
    public var forcesReplacement: Bool {
        get { fields.forcesReplacement }
        set { uniqueFields.forcesReplacement = newValue }
    }
    /// Masked in plans, logs and output.
    public var sensitive: Bool {
        get { fields.sensitive }
        set { uniqueFields.sensitive = newValue }
    }
    /// The value used when configuration leaves an optional attribute unset.
    public var defaultValue: Value? {
        get { fields.defaultValue }
        set { uniqueFields.defaultValue = newValue }
    }
    /// One line for documentation and messages.
    public var description: String {
        get { fields.description }
        set { uniqueFields.description = newValue }
    }
    /// The only values a string attribute accepts, when restricted.
    public var allowedValues: [String]? {
        get { fields.allowedValues }
        set { uniqueFields.allowedValues = newValue }
    }
    /// For a computed attribute: the attributes from which the provider derives it. An update that changes one of them
    /// plans it as known after apply, so resources that refer to it are planned to change too (a replicator's push
    /// endpoint follows its `listen`; an RGW topic's ARN stands for the copy of the topic each notification holds).
    public var recomputedOnChangeOf: Set<String> {
        get { fields.recomputedOnChangeOf }
        set { uniqueFields.recomputedOnChangeOf = newValue }
    }

    /// Creates an attribute schema.
    public init(_ type: AttributeType, _ mode: AttributeMode, forcesReplacement: Bool = false, sensitive: Bool = false,
                defaultValue: Value? = nil, allowedValues: [String]? = nil, description: String = "") {
        fields = Fields(type: type, mode: mode, forcesReplacement: forcesReplacement, sensitive: sensitive, defaultValue: defaultValue,
                        description: description, allowedValues: allowedValues, recomputedOnChangeOf: [])
    }

    /// True when configuration may set the attribute.
    public var isSettable: Bool { mode != .computed }

    /// Equal when every field is.
    public static func == (lhs: AttributeSchema, rhs: AttributeSchema) -> Bool {
        lhs.fields === rhs.fields
            || (lhs.type == rhs.type && lhs.mode == rhs.mode && lhs.forcesReplacement == rhs.forcesReplacement
                && lhs.sensitive == rhs.sensitive && lhs.defaultValue == rhs.defaultValue && lhs.description == rhs.description
                && lhs.allowedValues == rhs.allowedValues && lhs.recomputedOnChangeOf == rhs.recomputedOnChangeOf)
    }
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
