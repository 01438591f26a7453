import Foundation
import TandemCore

/// Walks a value and its ``OpenAPISchema`` together and collects what breaks the schema, the way the API server's
/// pruning and validation would treat the object, but reported instead of silently dropped.
struct SchemaValidator {
    /// What was found, in document order of the fields (map keys sorted, so results are stable).
    private(set) var violations: [SchemaViolation] = []
    /// False inside `anyOf`/`oneOf`/`not` and `allOf` branches: those only constrain values, fields are declared by
    /// the structural part of the schema (a structural-schema rule), so unknown fields are judged once.
    private var reportsUnknownFields = true
    /// True when the root is a whole Kubernetes object whose apiVersion, kind and metadata the caller checks.
    private let rootIsObject: Bool

    /// A validator; `rootIsObject` leaves the root's apiVersion, kind and metadata to the caller.
    init(rootIsObject: Bool = false) {
        self.rootIsObject = rootIsObject
    }

    private mutating func report(_ path: FieldPath, _ message: String) {
        violations.append(SchemaViolation(path: path, message: message))
    }

    /// Validates `value` at `path` against `schema`.
    mutating func validate(_ value: Value, against schema: OpenAPISchema, at path: FieldPath) {
        switch value {
        case .unknown:
            return
        case .null:
            if schema.type != nil, !schema.isNullable { report(path, "must not be null: give a value or leave the field out") }
            return
        default:
            break
        }
        guard hasAllowedType(value, schema, at: path) else { return }
        checkFormat(value, schema, at: path)
        checkEnum(value, schema, at: path)
        switch value {
        case .string(let text): checkString(text, schema, at: path)
        case .number(let number): checkNumber(number, schema, at: path)
        case .list(let items): checkList(items, schema, at: path)
        case .map(let entries): checkMap(entries, schema, at: path)
        default: break
        }
        checkCombinations(value, schema, at: path)
    }

    // MARK: Types

    private mutating func hasAllowedType(_ value: Value, _ schema: OpenAPISchema, at path: FieldPath) -> Bool {
        if schema.isIntOrString {
            if value.stringValue != nil || Self.isWholeNumber(value) { return true }
            report(path, "must be an integer or a string, not \(Self.describe(value))")
            return false
        }
        guard let type = schema.type else { return true }
        let matches: Bool
        switch type {
        case .object: matches = value.mapValue != nil
        case .array: matches = value.listValue != nil
        case .string: matches = value.stringValue != nil
        case .integer: matches = Self.isWholeNumber(value)
        case .number: matches = value.numberValue != nil
        case .boolean: matches = value.boolValue != nil
        }
        if !matches { report(path, "must be \(Self.describe(type)), not \(Self.describe(value))") }
        return matches
    }

    /// JSON integers: any finite number without a fractional part (`Value.intValue` stops at 2^53).
    static func isWholeNumber(_ value: Value) -> Bool {
        guard case .number(let number) = value else { return false }
        return number.isFinite && number.rounded() == number
    }

    /// A number as written in a manifest: integers without a fractional part, up to the 64-bit range.
    static func format(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 9.2e18 { return String(Int64(number)) }
        return Value.format(number: number)
    }

    /// `a map`, `an integer`, ... for messages.
    static func describe(_ type: OpenAPISchema.ValueType) -> String {
        switch type {
        case .object: return "a map"
        case .array: return "a list"
        case .string: return "a string"
        case .integer: return "an integer"
        case .number: return "a number"
        case .boolean: return "true or false"
        }
    }

    /// `the string "3"`, `the number 2.5`, `a list`, ... for messages.
    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let text): return "the string \(quoted(text))"
        case .number(let number): return "the number \(Self.format(number))"
        case .bool(let flag): return flag ? "true" : "false"
        case .list: return "a list"
        case .map: return "a map"
        case .null: return "null"
        case .unknown: return "a value known after apply"
        }
    }

    /// A value as it would be written in YAML/JSON, shortened past 60 characters.
    static func quoted(_ text: String) -> String {
        let short = text.count > 60 ? text.prefix(57) + "..." : Substring(text)
        return "\"\(short.replacingOccurrences(of: "\"", with: "\\\""))\""
    }

    static func literal(_ value: Value) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .number(let number): return Self.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        default: return (try? value.canonicalJSON()) ?? value.typeName
        }
    }

    // MARK: Scalars

    private mutating func checkFormat(_ value: Value, _ schema: OpenAPISchema, at path: FieldPath) {
        guard let format = schema.format else { return }
        switch (format, value) {
        case ("int32", .number(let number)) where number < Double(Int32.min) || number > Double(Int32.max):
            // The API server stores such a number (v1.20 checks no integer format); the controller cannot read it.
            report(path, "\(Self.format(number)) does not fit in a 32-bit integer (\(Int32.min) to \(Int32.max)); the API server would store it, the controller could not read it")
        case ("int64", .number(let number)) where number < -9.223372036854775808e18 || number >= 9.223372036854775808e18:
            report(path, "\(Self.format(number)) does not fit in a 64-bit integer; the API server would store it, the controller could not read it")
        case ("byte", .string(let text)) where Data(base64Encoded: text) == nil:
            report(path, "\(Self.quoted(text)) is not base64-encoded data")
        case ("date-time", .string(let text)) where !Self.isDateTime(text):
            report(path, "\(Self.quoted(text)) is not an RFC 3339 date-time such as 2026-01-31T12:00:00Z")
        default:
            break
        }
    }

    private static let dateTime = try! NSRegularExpression(
        pattern: #"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#)

    private static func isDateTime(_ text: String) -> Bool {
        dateTime.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private mutating func checkEnum(_ value: Value, _ schema: OpenAPISchema, at path: FieldPath) {
        guard let allowed = schema.allowedValues, !allowed.contains(value) else { return }
        let choices = allowed.map(Self.literal).joined(separator: ", ")
        var message = "unsupported value \(Self.literal(value))"
        if let text = value.stringValue, let close = Suggestions.closest(to: text, in: allowed.compactMap(\.stringValue)) {
            message += "; did you mean \(Self.quoted(close))?"
        }
        report(path, message + " Supported values: \(choices)")
    }

    private mutating func checkString(_ text: String, _ schema: OpenAPISchema, at path: FieldPath) {
        let length = text.unicodeScalars.count
        if let minimum = schema.minLength, length < minimum {
            report(path, "must be at least \(minimum) character\(minimum == 1 ? "" : "s") long, not \(length)")
        }
        if let maximum = schema.maxLength, length > maximum {
            report(path, "must be at most \(maximum) character\(maximum == 1 ? "" : "s") long, not \(length)")
        }
        if let pattern = schema.pattern, !pattern.matches(text) {
            report(path, "\(Self.quoted(text)) does not match the pattern \(pattern.source)")
        }
    }

    private mutating func checkNumber(_ number: Double, _ schema: OpenAPISchema, at path: FieldPath) {
        let shown = Self.format(number)
        if let (bound, exclusive) = schema.minimum, exclusive ? number <= bound : number < bound {
            report(path, "must be \(exclusive ? "greater than" : "at least") \(Self.format(bound)), not \(shown)")
        }
        if let (bound, exclusive) = schema.maximum, exclusive ? number >= bound : number > bound {
            report(path, "must be \(exclusive ? "less than" : "at most") \(Self.format(bound)), not \(shown)")
        }
        if let divisor = schema.multipleOf, divisor > 0, (number / divisor).rounded() != number / divisor {
            report(path, "must be a multiple of \(Self.format(divisor)), not \(shown)")
        }
    }

    // MARK: Lists

    private mutating func checkList(_ items: [Value], _ schema: OpenAPISchema, at path: FieldPath) {
        if let minimum = schema.minItems, items.count < minimum {
            report(path, "must have at least \(minimum) item\(minimum == 1 ? "" : "s"), not \(items.count)")
        }
        if let maximum = schema.maxItems, items.count > maximum {
            report(path, "must have at most \(maximum) item\(maximum == 1 ? "" : "s"), not \(items.count)")
        }
        if let itemSchema = schema.items {
            for (index, item) in items.enumerated() {
                validate(item, against: itemSchema, at: path.appending(index))
            }
        }
        checkListType(items, schema, at: path)
    }

    /// `x-kubernetes-list-type: set` and `map` forbid duplicates; the API server refuses them.
    private mutating func checkListType(_ items: [Value], _ schema: OpenAPISchema, at path: FieldPath) {
        switch schema.listType {
        case .set?:
            var seen: Set<Value> = []
            for (index, item) in items.enumerated() where !item.containsUnknown {
                if !seen.insert(item).inserted { report(path.appending(index), "duplicate entry \(Self.literal(item)): the list is a set") }
            }
        case .map?:
            var seen: Set<[Value]> = []
            for (index, item) in items.enumerated() {
                let key = schema.listMapKeys.map { item[$0] }
                guard !key.contains(where: \.containsUnknown) else { continue }
                if !seen.insert(key).inserted {
                    let described = zip(schema.listMapKeys, key).map { "\($0)=\(Self.literal($1))" }.joined(separator: ", ")
                    report(path.appending(index), "duplicate entry with \(described): entries must differ in \(schema.listMapKeys.joined(separator: ", "))")
                }
            }
        default:
            break
        }
    }

    // MARK: Maps

    private mutating func checkMap(_ entries: [String: Value], _ schema: OpenAPISchema, at path: FieldPath) {
        // The API server drops a null whose field is declared and not nullable (or replaces it by the default),
        // so it counts as absent; an undeclared one stays and is reported as unknown.
        let present = entries.filter { key, value in
            guard value == .null, let field = schema.fieldSchema(key) else { return true }
            return field.isNullable
        }
        if let minimum = schema.minProperties, present.count < minimum {
            report(path, "must have at least \(minimum) entr\(minimum == 1 ? "y" : "ies"), not \(present.count)")
        }
        if let maximum = schema.maxProperties, present.count > maximum {
            report(path, "must have at most \(maximum) entr\(maximum == 1 ? "y" : "ies"), not \(present.count)")
        }
        // apiVersion, kind and metadata of a Kubernetes object follow the API server's own rules, not the schema.
        let isObject = schema.isEmbeddedResource || (path.components.isEmpty && rootIsObject)
        if schema.isEmbeddedResource, reportsUnknownFields {
            violations += ObjectEnvelopeRules.embeddedViolations(present, at: path)
        }
        for name in schema.required where present[name] == nil && schema.properties[name]?.defaultValue == nil
            && !(isObject && ObjectEnvelopeRules.fields.contains(name)) {
            report(path, "missing required field \"\(name)\"")
        }
        for key in present.keys.sorted() {
            let value = present[key]!
            if isObject, ObjectEnvelopeRules.fields.contains(key) {
                if key == "metadata", let nameSchema = schema.properties["metadata"]?.properties["name"] {
                    validate(value["name"], against: nameSchema, at: path.appending("metadata").appending("name"))
                }
            } else if let property = schema.properties[key] {
                validate(value, against: property, at: path.appending(key))
            } else {
                switch schema.additionalProperties {
                case .schema(let valueSchema): validate(value, against: valueSchema, at: path.appending(key))
                case .any: continue
                case .forbidden, .unspecified: reportUnknownField(key, schema, at: path, isObject: isObject)
                }
            }
        }
    }

    private mutating func reportUnknownField(_ key: String, _ schema: OpenAPISchema, at path: FieldPath, isObject: Bool) {
        guard reportsUnknownFields, !schema.preservesUnknownFields else { return }
        if case .unspecified = schema.additionalProperties, schema.type == nil, schema.properties.isEmpty { return }
        let known = Array(schema.properties.keys) + (isObject ? ObjectEnvelopeRules.fields : [])
        var message = "unknown field \"\(key)\" (the API server would drop it)"
        if let close = Suggestions.closest(to: key, in: known) {
            message += "; did you mean \(path.appending(close))?"
        } else if known.isEmpty {
            message += "; this map has no declared fields"
        } else if known.count <= 12 {
            message += "; the fields here are \(Set(known).sorted().joined(separator: ", "))"
        }
        report(path.appending(key), message)
    }

    // MARK: allOf, anyOf, oneOf, not

    private mutating func checkCombinations(_ value: Value, _ schema: OpenAPISchema, at path: FieldPath) {
        for part in schema.allOf {
            violations += branch(value, part, at: path)
        }
        if !schema.anyOf.isEmpty, !schema.isIntOrString {
            let outcomes = schema.anyOf.map { branch(value, $0, at: path) }
            if !outcomes.contains(where: \.isEmpty) {
                report(path, "matches none of the allowed forms (anyOf): " + Self.summary(of: outcomes))
            }
        }
        if !schema.oneOf.isEmpty {
            let outcomes = schema.oneOf.map { branch(value, $0, at: path) }
            let matching = outcomes.filter(\.isEmpty).count
            if matching == 0 {
                report(path, "matches none of the allowed forms (oneOf): " + Self.summary(of: outcomes))
            } else if matching > 1 {
                report(path, "matches \(matching) of the forms in oneOf, but must match exactly one")
            }
        }
        if let excluded = schema.not, branch(value, excluded, at: path).isEmpty {
            report(path, "matches a form the schema forbids (not)")
        }
    }

    /// The violations of one combination branch, judged without unknown-field checks.
    private func branch(_ value: Value, _ schema: OpenAPISchema, at path: FieldPath) -> [SchemaViolation] {
        var nested = SchemaValidator()
        nested.reportsUnknownFields = false
        nested.validate(value, against: schema, at: path)
        return nested.violations
    }

    private static func summary(of outcomes: [[SchemaViolation]]) -> String {
        outcomes.map { violations in violations.map(\.description).joined(separator: ", ") }.joined(separator: "; or ")
    }
}
