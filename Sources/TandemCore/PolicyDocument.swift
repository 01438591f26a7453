/// IAM-grammar policy documents (IAM identity and trust policies, S3 bucket policies, SQS queue policies) in
/// normal form, so two documents that AWS treats the same compare equal and no perpetual diff appears.
///
/// The normal form: `Version` defaults to `2008-10-17` (AWS's documented default); `Statement` is always a list,
/// sorted; in each statement an empty `Sid` is dropped, `Action`/`Resource` (and their `Not` forms), principal
/// values and condition values are de-duplicated and sorted, numbers and booleans in conditions become strings
/// (IAM compares them as text), and a one-element list becomes its scalar. Unknown values (known after apply)
/// stay where they are.
public enum PolicyDocument {
    /// A document that is not a policy, with the dotted path of the offending element.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// Where, e.g. `Statement[1].Effect`; empty for the document itself.
        public var path: String

        /// Creates an error.
        public init(_ message: String, path: String) {
            self.message = message
            self.path = path
        }

        /// The message, prefixed with the path.
        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    /// The version AWS assumes when a document has none.
    public static let defaultVersion = "2008-10-17"
    static let documentKeys = ["Version", "Id", "Statement"]
    static let statementKeys = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]

    /// The normal form of `document`; throws `Invalid` for something that is not a policy.
    public static func normalized(_ document: Value) throws -> Value {
        if document == .unknown { return .unknown }
        guard case .map(let entries) = document else { throw Invalid("a policy is a map with Version and Statement, got a \(document.typeName)", path: "") }
        try rejectUnknownKeys(entries, allowed: documentKeys, path: "")
        var result: [String: Value] = ["Version": entries["Version"] ?? .string(defaultVersion)]
        if case .string(let version)? = entries["Version"], !["2012-10-17", "2008-10-17"].contains(version) {
            throw Invalid("Version must be 2012-10-17 (or the old 2008-10-17), got \"\(version)\"", path: "Version")
        }
        if let id = entries["Id"], id != .null { result["Id"] = id }
        let statements: [Value]
        switch entries["Statement"] {
        case .list(let items)?: statements = items
        case .map?: statements = [entries["Statement"]!]
        case .unknown?: statements = [.unknown]
        default: throw Invalid("a policy needs Statement: a statement (map) or a list of them", path: "Statement")
        }
        let normalizedStatements = try statements.enumerated().map { index, statement in
            try normalizedStatement(statement, path: "Statement[\(index)]")
        }
        result["Statement"] = .list(normalizedStatements.sorted { sortKey($0) < sortKey($1) })
        return .map(result)
    }

    /// The normal form of a JSON document as a service returns it, or nil when the text is not a policy.
    public static func normalized(json: String) -> Value? {
        guard let parsed = try? Value(jsonString: json) else { return nil }
        return try? normalized(parsed)
    }

    /// The statements of a normalized document, in order.
    public static func statements(of document: Value?) -> [Value] {
        document?["Statement"].listValue ?? []
    }

    private static func normalizedStatement(_ statement: Value, path: String) throws -> Value {
        if statement == .unknown { return .unknown }
        guard case .map(let entries) = statement else { throw Invalid("a statement is a map, got a \(statement.typeName)", path: path) }
        try rejectUnknownKeys(entries, allowed: statementKeys, path: path)
        var result: [String: Value] = [:]
        for (key, value) in entries where value != .null {
            switch key {
            case "Sid":
                if value != .string("") { result[key] = value }
            case "Effect":
                if case .string(let effect) = value, effect != "Allow", effect != "Deny" {
                    throw Invalid("Effect must be Allow or Deny, got \"\(effect)\"", path: "\(path).Effect")
                }
                result[key] = value
            case "Principal", "NotPrincipal":
                result[key] = try normalizedPrincipal(value, path: "\(path).\(key)")
            case "Condition":
                result[key] = try normalizedCondition(value, path: "\(path).Condition")
            default:
                result[key] = try normalizedSet(value, path: "\(path).\(key)")
            }
        }
        if result["Effect"] == nil { throw Invalid("a statement needs Effect (Allow or Deny)", path: path) }
        if result["Action"] == nil && result["NotAction"] == nil { throw Invalid("a statement needs Action or NotAction", path: path) }
        return .map(result)
    }

    private static func normalizedPrincipal(_ value: Value, path: String) throws -> Value {
        guard case .map(let entries) = value else { return try normalizedSet(value, path: path) }
        return .map(try entries.reduce(into: [:]) { result, entry in
            result[entry.key] = try normalizedSet(entry.value, path: "\(path).\(entry.key)")
        })
    }

    private static func normalizedCondition(_ value: Value, path: String) throws -> Value {
        if value == .unknown { return value }
        guard case .map(let operators) = value else { throw Invalid("Condition is a map of operators, got a \(value.typeName)", path: path) }
        return .map(try operators.reduce(into: [:]) { result, entry in
            guard case .map(let keys) = entry.value else {
                if entry.value == .unknown { result[entry.key] = .unknown; return }
                throw Invalid("a condition operator maps condition keys to values, got a \(entry.value.typeName)", path: "\(path).\(entry.key)")
            }
            result[entry.key] = .map(try keys.reduce(into: [:]) { inner, key in
                inner[key.key] = try normalizedSet(key.value, path: "\(path).\(entry.key).\(key.key)")
            })
        })
    }

    /// A string or a list of strings as a set: scalars (numbers and booleans as text), de-duplicated, sorted; one
    /// element becomes the element itself.
    private static func normalizedSet(_ value: Value, path: String) throws -> Value {
        func scalar(_ item: Value) throws -> Value {
            switch item {
            case .string, .unknown: return item
            case .number, .bool: return .string(item.asTemplateString ?? "")
            default: throw Invalid("expected a string or a list of strings, got a \(item.typeName)", path: path)
            }
        }
        guard case .list(let items) = value else { return try scalar(value) }
        var seen: Set<String> = []
        var unique: [Value] = []
        for item in try items.map(scalar) {
            let key = sortKey(item)
            if item == .unknown || seen.insert(key).inserted { unique.append(item) }
        }
        unique.sort { sortKey($0) < sortKey($1) }
        return unique.count == 1 ? unique[0] : .list(unique)
    }

    private static func rejectUnknownKeys(_ entries: [String: Value], allowed: [String], path: String) throws {
        for key in entries.keys.sorted() where !allowed.contains(key) {
            throw Invalid("unknown policy element \"\(key)\".\(Suggestions.didYouMean(key, in: allowed)) Valid elements: \(allowed.joined(separator: ", ")).",
                          path: path.isEmpty ? key : "\(path).\(key)")
        }
    }

    /// Orders values by their canonical JSON; unknown values last.
    static func sortKey(_ value: Value) -> String {
        value.containsUnknown ? "\u{10FFFF}" : ((try? value.canonicalJSON()) ?? "")
    }
}
