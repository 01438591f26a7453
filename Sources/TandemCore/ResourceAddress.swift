/// The instance key of a resource declared with `count` or `for_each`.
public enum InstanceKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `count` instance: `[0]`.
    case index(Int)
    /// `for_each` instance: `["key"]`.
    case key(String)

    /// The key as written after the address.
    public var description: String {
        switch self {
        case .index(let i): return "[\(i)]"
        case .key(let k): return "[\"\(k)\"]"
        }
    }
}

/// The address of one resource instance, e.g. `aws_s3_bucket.replica` or `aws_sqs_queue.dlq["eu"]`.
public struct ResourceAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// Enclosing module names, outermost first (`module.a.module.b.TYPE.NAME`).
    public var modulePath: [String]
    /// Resource type, e.g. `aws_s3_bucket`.
    public var type: String
    /// Resource name given in the configuration.
    public var name: String
    /// Instance key for `count` / `for_each` resources.
    public var key: InstanceKey?

    /// Creates an address.
    public init(modulePath: [String] = [], type: String, name: String, key: InstanceKey? = nil) {
        self.modulePath = modulePath
        self.type = type
        self.name = name
        self.key = key
    }

    /// The provider name implied by the type prefix (`aws_s3_bucket` -> `aws`).
    public var providerName: String {
        String(type.prefix { $0 != "_" })
    }

    /// The address as users write it.
    public var description: String {
        let prefix = modulePath.map { "module.\($0)." }.joined()
        return "\(prefix)\(type).\(name)\(key?.description ?? "")"
    }

    /// Parses `[module.NAME.]*TYPE.NAME[KEY]`, returning nil when the text is not an address.
    public init?(parsing text: String) {
        var rest = Substring(text)
        var modules: [String] = []
        while rest.hasPrefix("module.") {
            rest = rest.dropFirst("module.".count)
            guard let dot = rest.firstIndex(of: ".") else { return nil }
            modules.append(String(rest[..<dot]))
            rest = rest[rest.index(after: dot)...]
        }
        var key: InstanceKey?
        if let bracket = rest.firstIndex(of: "["), rest.hasSuffix("]") {
            let inner = rest[rest.index(after: bracket)..<rest.index(before: rest.endIndex)]
            if inner.hasPrefix("\""), inner.hasSuffix("\""), inner.count >= 2 {
                key = .key(String(inner.dropFirst().dropLast()))
            } else if let index = Int(inner) {
                key = .index(index)
            } else {
                return nil
            }
            rest = rest[..<bracket]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } })
        else { return nil }
        self.init(modulePath: modules, type: String(parts[0]), name: String(parts[1]), key: key)
    }

    /// Orders addresses by their text, for stable output.
    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
        lhs.description < rhs.description
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
