import Foundation

/// A dynamically typed configuration or state value.
///
/// `unknown` stands for a value that is known only after apply (a computed attribute of a resource
/// that does not exist yet); it propagates through expressions and never reaches the state file.
///
/// Not `indirect`: lists and maps already hold their elements out of line, and boxing every string, number and
/// bool cost an allocation per scalar.
public enum Value: Sendable, Hashable {
    /// No value.
    case null
    /// true or false.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// Text.
    case string(String)
    /// An ordered list.
    case list([Value])
    /// A map from strings to values.
    case map([String: Value])
    /// Known only after apply.
    case unknown

    /// True for `.null`.
    public var isNull: Bool { self == .null }

    /// True when this value or anything inside it is unknown.
    public var containsUnknown: Bool {
        switch self {
        case .unknown: return true
        case .list(let items): return items.contains { $0.containsUnknown }
        case .map(let entries): return entries.values.contains { $0.containsUnknown }
        default: return false
        }
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The boolean payload, if this is a bool.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The number payload, if this is a number.
    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The number payload as an integer, if it is a whole number.
    public var intValue: Int? {
        guard case .number(let n) = self, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }

    /// The elements, if this is a list.
    public var listValue: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// The entries, if this is a map.
    public var mapValue: [String: Value]? {
        if case .map(let entries) = self { return entries }
        return nil
    }

    /// The entry `key` of a map, `.null` for anything else or a missing key.
    public subscript(key: String) -> Value {
        mapValue?[key] ?? .null
    }

    /// A short name of the value's type for messages ("string", "map", ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .unknown: return "unknown"
        }
    }

    /// Formats a number the way users write it: integers without a fractional part.
    public static func format(number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
        return String(number)
    }

    /// The value as a string in string context (templates, string attributes), or nil for collections, null and unknown.
    public var asTemplateString: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return Value.format(number: n)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}

extension Value: Codable {
    /// Decodes plain JSON.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let list = try? container.decode([Value].self) {
            self = .list(list)
        } else {
            self = .map(try container.decode([String: Value].self))
        }
    }

    /// Encodes plain JSON. Unknown values cannot be encoded: callers split them out first (see `Value.knownParts`).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let n):
            if let i = self.intValue { try container.encode(i) } else { try container.encode(n) }
        case .string(let s): try container.encode(s)
        case .list(let items): try container.encode(items)
        case .map(let entries): try container.encode(entries)
        case .unknown:
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "unknown values cannot be serialised"))
        }
    }
}

extension Value {
    /// The value with every unknown replaced by null, and a mask of the same shape that is `true` where the value was unknown.
    ///
    /// The plan file stores unknowns this way (like Terraform's `after_unknown`).
    public var knownParts: (known: Value, unknownMask: Value) {
        switch self {
        case .unknown:
            return (.null, .bool(true))
        case .list where !containsUnknown, .map where !containsUnknown:
            // Its own known part: shared rather than rebuilt (a planned value holds many such lists and maps).
            return (self, .bool(false))
        case .list(let items):
            let parts = items.map(\.knownParts)
            let mask: Value = parts.contains { $0.unknownMask != .bool(false) } ? .list(parts.map(\.unknownMask)) : .bool(false)
            return (.list(parts.map(\.known)), mask)
        case .map(let entries):
            // A copy of the entries with only the unknown ones replaced: copying a dictionary's storage is far cheaper
            // than hashing every key into a new one (a planned resource is mostly known).
            var known = entries, mask: [String: Value] = [:]
            for (key, value) in entries {
                switch value {
                case .unknown:
                    known[key] = .null
                    mask[key] = .bool(true)
                case .list, .map:
                    let parts = value.knownParts
                    guard parts.unknownMask != .bool(false) else { continue }
                    known[key] = parts.known
                    mask[key] = parts.unknownMask
                default:
                    continue
                }
            }
            return (.map(known), .map(mask))
        default:
            return (self, .bool(false))
        }
    }

    /// Rebuilds a value from `knownParts`.
    public init(known: Value, unknownMask: Value) {
        switch (known, unknownMask) {
        case (_, .bool(true)):
            self = .unknown
        case (.list(let items), .list(let masks)):
            self = .list(items.enumerated().map { index, item in
                Value(known: item, unknownMask: index < masks.count ? masks[index] : .bool(false))
            })
        case (.map(let entries), .map(let masks)):
            self = .map(entries.reduce(into: [:]) { result, entry in
                result[entry.key] = Value(known: entry.value, unknownMask: masks[entry.key] ?? .bool(false))
            })
        default:
            self = known
        }
    }
}

extension Value {
    /// Parses a JSON document.
    public init(jsonString: String) throws {
        try self.init(jsonData: Data(jsonString.utf8))
    }

    /// Parses a JSON document through `JSONSerialization` (tens of times faster than `JSONDecoder` for large
    /// documents such as a CRD fetched from a cluster).
    public init(jsonData: Data) throws {
        self = Value(jsonObject: try JSONSerialization.jsonObject(with: jsonData, options: [.fragmentsAllowed]))
    }

    private static let booleanType = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// A value from what `JSONSerialization` returns (booleans are told from numbers by their class).
    private init(jsonObject: Any) {
        switch jsonObject {
        case let text as String: self = .string(text)
        case let number as NSNumber:
            self = ObjectIdentifier(type(of: number)) == Value.booleanType ? .bool(number.boolValue) : .number(number.doubleValue)
        case let items as [Any]: self = .list(items.map(Value.init(jsonObject:)))
        case let entries as [String: Any]: self = .map(entries.mapValues(Value.init(jsonObject:)))
        default: self = .null
        }
    }

    /// Compact JSON with sorted keys, so equal values always serialise the same way.
    public func canonicalJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
