/// The instance key of a resource or module declared with `count` or `for_each`.
public enum InstanceKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// `count` instance: `[0]`.
    case index(Int)
    /// `for_each` instance: `["key"]`.
    case key(String)

    /// The key as written after the address (quotes and backslashes in a string key are escaped).
    public var description: String {
        switch self {
        case .index(let i): return "[\(i)]"
        case .key(let k):
            // Most keys have nothing to escape; Foundation's replacing is slow enough to show in plans of many instances.
            guard k.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) else { return "[\"\(k)\"]" }
            let escaped = k.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "[\"\(escaped)\"]"
        }
    }

    /// Indexes in numeric order, before string keys in text order.
    public static func < (lhs: InstanceKey, rhs: InstanceKey) -> Bool {
        switch (lhs, rhs) {
        case (.index(let a), .index(let b)): return a < b
        case (.key(let a), .key(let b)): return a < b
        case (.index, .key): return true
        case (.key, .index): return false
        }
    }
}

/// One module call on the way to a resource: `module.NAME` or `module.NAME[KEY]`.
public struct ModuleStep: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The module call's name.
    public var name: String
    /// The instance key when the call uses `count` or `for_each`.
    public var key: InstanceKey?

    /// Creates a step.
    public init(_ name: String, key: InstanceKey? = nil) {
        self.name = name
        self.key = key
    }

    /// `module.NAME[KEY]`.
    public var description: String { "module.\(name)\(key?.description ?? "")" }

    /// By name, then key (no key first).
    public static func < (lhs: ModuleStep, rhs: ModuleStep) -> Bool {
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        switch (lhs.key, rhs.key) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let a?, let b?): return a < b
        }
    }
}

/// A path of module instances from the root (empty for the root module).
public typealias ModulePath = [ModuleStep]

/// Whether an address names a managed resource or a data source.
public enum ResourceMode: String, Sendable, Hashable, Codable, Comparable {
    /// A `resources:` entry: Tandem creates, updates and deletes it.
    case managed
    /// A `data:` entry: read only, looked up on every plan.
    case data

    /// Managed resources sort first.
    public static func < (lhs: ResourceMode, rhs: ResourceMode) -> Bool {
        lhs == .managed && rhs == .data
    }
}

/// The address of one resource instance, e.g. `aws_s3_bucket.replica`, `aws_sqs_queue.dlq["eu"]`,
/// `module.site["edge"].aws_s3_bucket.replica` or `data.aws_caller_identity.current`.
public struct ResourceAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// Enclosing module instances, outermost first.
    public var modulePath: ModulePath
    /// Managed resource or data source.
    public var mode: ResourceMode
    /// Resource type, e.g. `aws_s3_bucket`.
    public var type: String
    /// Resource name given in the configuration.
    public var name: String
    /// Instance key for `count` / `for_each` resources.
    public var key: InstanceKey?

    /// Creates an address.
    public init(modulePath: ModulePath = [], mode: ResourceMode = .managed, type: String, name: String, key: InstanceKey? = nil) {
        self.modulePath = modulePath
        self.mode = mode
        self.type = type
        self.name = name
        self.key = key
    }

    /// The provider name implied by the type prefix (`aws_s3_bucket` -> `aws`).
    public var providerName: String {
        String(type.prefix { $0 != "_" })
    }

    /// The address of the declaration this instance comes from (no instance key).
    public var declaration: ResourceAddress {
        ResourceAddress(modulePath: modulePath, mode: mode, type: type, name: name)
    }

    /// The address inside its module, as written in that module's expressions (`TYPE.NAME` or `data.TYPE.NAME`).
    public var localName: String {
        (mode == .data ? "data." : "") + "\(type).\(name)"
    }

    /// The address as users write it.
    public var description: String {
        modulePath.map { "\($0)." }.joined() + localName + (key?.description ?? "")
    }

    /// Parses `[module.NAME[KEY].]*[data.]TYPE.NAME[KEY]`, returning nil when the text is not an address.
    public init?(parsing text: String) {
        guard var segments = AddressSegments.parse(text) else { return nil }
        var modules: ModulePath = []
        while segments.count > 2, segments[0].name == "module", segments[0].key == nil {
            modules.append(ModuleStep(segments[1].name, key: segments[1].key))
            segments.removeFirst(2)
        }
        var mode = ResourceMode.managed
        if segments.count == 3, segments[0].name == "data", segments[0].key == nil {
            mode = .data
            segments.removeFirst()
        }
        guard segments.count == 2, segments[0].key == nil else { return nil }
        self.init(modulePath: modules, mode: mode, type: segments[0].name, name: segments[1].name, key: segments[1].key)
    }

    /// Orders by module path, mode, type, name, then instance key (indexes numerically).
    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
        if lhs.modulePath != rhs.modulePath { return lhs.modulePath.lexicographicallyPrecedes(rhs.modulePath) }
        if lhs.mode != rhs.mode { return lhs.mode < rhs.mode }
        if lhs.type != rhs.type { return lhs.type < rhs.type }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        switch (lhs.key, rhs.key) {
        case (nil, nil), (_, nil): return false
        case (nil, _): return true
        case (let a?, let b?): return a < b
        }
    }

    /// Encodes as its string form.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes from its string form.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = ResourceAddress(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a resource address: \(text)")
        }
        self = address
    }
}

/// The dot-separated names of an address, each with an optional `[KEY]`.
///
/// Works on Unicode scalars, not characters: a key starting with a combining mark would otherwise merge with its
/// opening quote into one character, and an address Tandem wrote could not be read back.
enum AddressSegments {
    typealias Scalars = Substring.UnicodeScalarView

    static func parse(_ text: String) -> [(name: String, key: InstanceKey?)]? {
        var result: [(name: String, key: InstanceKey?)] = []
        var rest = Substring(text).unicodeScalars
        while true {
            let name = rest.prefix { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "-" }
            guard !name.isEmpty else { return nil }
            rest = rest.dropFirst(name.count)
            var key: InstanceKey?
            if rest.first == "[" {
                guard let (parsed, after) = parseKey(rest.dropFirst()) else { return nil }
                key = parsed
                rest = after
            }
            result.append((String(String.UnicodeScalarView(name)), key))
            if rest.isEmpty { return result }
            guard rest.first == "." else { return nil }
            rest = rest.dropFirst()
        }
    }

    /// `0]` or `"text"]` (with `\"` and `\\` escapes); returns the key and what follows the bracket.
    private static func parseKey(_ text: Scalars) -> (InstanceKey, Scalars)? {
        var rest = text
        if rest.first == "\"" {
            rest = rest.dropFirst()
            var value = String.UnicodeScalarView()
            while let scalar = rest.first {
                rest = rest.dropFirst()
                if scalar == "\\" {
                    guard let escaped = rest.first else { return nil }
                    value.append(escaped)
                    rest = rest.dropFirst()
                } else if scalar == "\"" {
                    guard rest.first == "]" else { return nil }
                    return (.key(String(value)), rest.dropFirst())
                } else {
                    value.append(scalar)
                }
            }
            return nil
        }
        let digits = rest.prefix { ("0"..."9").contains($0) }
        guard !digits.isEmpty, let index = Int(String(String.UnicodeScalarView(digits))), rest.dropFirst(digits.count).first == "]" else { return nil }
        return (.index(index), rest.dropFirst(digits.count + 1))
    }
}
