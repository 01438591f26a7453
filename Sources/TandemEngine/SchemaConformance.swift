import TandemCore
import TandemLanguage

/// Checks evaluated configuration against a schema and converts it to the schema's types.
///
/// Diagnostics point at the configuration: unknown arguments at their key (with the closest valid name), type
/// errors at the value (expected vs actual), missing required arguments at the enclosing block.
public struct SchemaConformance {
    /// Describes the block being checked in messages, e.g. `resource aws_s3_bucket.replica`.
    public var subject: String { describeSubject() }
    /// Builds `subject`: only a diagnostic needs it, and a plan conforms every instance.
    private let describeSubject: () -> String

    /// Creates a checker for `subject`.
    public init(subject: @autoclosure @escaping () -> String) {
        describeSubject = subject
    }

    /// Conforms an evaluated block to `attributes`; `expression` is the block's source, for ranges.
    /// Unset attributes become their default or null; computed attributes are left out (the planner fills them).
    public func conformBlock(_ value: Value, expression: Expression, attributes: [String: AttributeSchema],
                             path: String = "", diagnostics: inout Diagnostics) -> Value {
        guard case .map(let entries) = value else {
            if value == .unknown { return .unknown }
            diagnostics.append(.error("Invalid value for \(path.isEmpty ? subject : "\"\(path)\"")",
                                      detail: "Expected a map (block), got \(value.typeName).", range: expression.range))
            return .unknown
        }
        // A block has a few entries, found by comparing keys (a dictionary of them cost more than it saved); many
        // entries (a block full of mistakes) are indexed, so they cannot make this quadratic.
        var objectEntries: [ObjectEntry] = []
        if case .object(let entries, _) = expression { objectEntries = entries }
        let indexedEntries = objectEntries.count > 16 ? Dictionary(objectEntries.map { ($0.key, $0) }) { _, last in last } : [:]
        func entryExpression(_ key: String) -> ObjectEntry? {
            indexedEntries.isEmpty ? objectEntries.last { $0.key == key } : indexedEntries[key]
        }
        var result: [String: Value] = [:]
        result.reserveCapacity(attributes.count)
        for key in entries.keys.sorted() {
            let entry = entryExpression(key)
            let keyRange = entry?.keyRange ?? expression.range
            let fullPath = path.isEmpty ? key : "\(path).\(key)"
            guard let attribute = attributes[key] else {
                let valid = attributes.filter { $0.value.isSettable }.keys.sorted()
                diagnostics.append(.error("Unsupported argument \"\(key)\"",
                                          detail: "\(subject) has no argument \"\(fullPath)\".\(Suggestions.didYouMean(key, in: valid)) Valid arguments: \(valid.joined(separator: ", ")).",
                                          range: keyRange))
                continue
            }
            guard attribute.isSettable else {
                diagnostics.append(.error("Cannot set computed attribute \"\(fullPath)\"",
                                          detail: "\"\(fullPath)\" is set by the provider and can only be read.", range: keyRange))
                continue
            }
            let valueExpression = entry?.value ?? expression
            let conformed = conform(entries[key]!, expression: valueExpression, type: attribute.type, path: fullPath,
                                    diagnostics: &diagnostics)
            if let allowed = attribute.allowedValues, case .string(let text) = conformed, !allowed.contains(text) {
                // Values are echoed only when written literally: a computed one may come from a secret.
                let shown = Self.isLiteral(valueExpression) ? "\"\(text)\" is not" : "The value is not"
                diagnostics.append(.error("Invalid value for \"\(fullPath)\"",
                                          detail: "\(shown) one of \(allowed.joined(separator: ", ")).\(Self.isLiteral(valueExpression) ? Suggestions.didYouMean(text, in: allowed) : "")",
                                          range: valueExpression.range))
            }
            result[key] = conformed
        }
        // Unset attributes in any order; only the missing required ones are reported, in name order.
        var missing: [String] = []
        for (name, attribute) in attributes {
            if let value = result[name], value != .null { continue }
            switch attribute.mode {
            case .required: missing.append(name)
            case .optional: result[name] = attribute.defaultValue ?? .null
            case .optionalComputed, .computed: result[name] = nil
            }
        }
        for name in missing.sorted() {
            guard let attribute = attributes[name] else { continue }
            let fullPath = path.isEmpty ? name : "\(path).\(name)"
            diagnostics.append(.error("Missing required argument \"\(fullPath)\"",
                                      detail: "\(subject) requires \"\(fullPath)\" (\(attribute.type)).\(attribute.description.isEmpty ? "" : " \(attribute.description)")",
                                      range: expression.range))
        }
        return .map(result)
    }

    private static func isLiteral(_ expression: Expression) -> Bool {
        if case .literal = expression { return true }
        return false
    }

    private func conform(_ value: Value, expression: Expression, type: AttributeType, path: String, diagnostics: inout Diagnostics) -> Value {
        if value == .unknown || value == .null { return value }
        func mismatch() -> Value {
            let shown = Self.isLiteral(expression) ? value.asTemplateString.map { " \"\($0)\"" } ?? "" : ""
            diagnostics.append(.error("Invalid type for \"\(path)\"",
                                      detail: "Expected \(type), got \(value.typeName)\(shown).", range: expression.range))
            return .unknown
        }
        switch type {
        case .string:
            if case .string = value { return value }
            guard let text = value.asTemplateString else { return mismatch() }
            return .string(text)
        case .number:
            switch value {
            case .number: return value
            case .string(let text): return Double(text).map(Value.number) ?? mismatch()
            default: return mismatch()
            }
        case .bool:
            switch value {
            case .bool: return value
            case .string("true"): return .bool(true)
            case .string("false"): return .bool(false)
            default: return mismatch()
            }
        case .list(let element):
            guard case .list(let items) = value else { return mismatch() }
            var itemExpressions: [Expression] = []
            if case .list(let expressions, _) = expression, expressions.count == items.count { itemExpressions = expressions }
            return .list(items.enumerated().map { index, item in
                conform(item, expression: itemExpressions.isEmpty ? expression : itemExpressions[index], type: element, path: "\(path)[\(index)]", diagnostics: &diagnostics)
            })
        case .map(let element):
            guard case .map(let entries) = value else { return mismatch() }
            var entryExpressions: [String: Expression] = [:]
            if case .object(let objectEntries, _) = expression {
                for entry in objectEntries { entryExpressions[entry.key] = entry.value }
            }
            return .map(entries.reduce(into: [:]) { result, entry in
                result[entry.key] = conform(entry.value, expression: entryExpressions[entry.key] ?? expression, type: element,
                                            path: "\(path)[\"\(entry.key)\"]", diagnostics: &diagnostics)
            })
        case .object(let attributes):
            guard case .map = value else { return mismatch() }
            return conformBlock(value, expression: expression, attributes: attributes, path: path, diagnostics: &diagnostics)
        case .policyDocument:
            return conformPolicy(value, expression: expression, path: path, diagnostics: &diagnostics)
        case .document:
            return value
        }
    }

    /// A policy written as a map, or as JSON text (e.g. from `file()`), in normal form; errors point at the
    /// offending element when it is written in the configuration.
    private func conformPolicy(_ value: Value, expression: Expression, path: String, diagnostics: inout Diagnostics) -> Value {
        var document = value
        if case .string(let text) = value {
            guard let parsed = try? Value(jsonString: text) else {
                diagnostics.append(.error("Invalid policy for \"\(path)\"", detail: "The text is not a JSON document; write the policy as a map.",
                                          range: expression.range))
                return .unknown
            }
            document = parsed
        }
        do {
            return try PolicyDocument.normalized(document)
        } catch let invalid as PolicyDocument.Invalid {
            diagnostics.append(.error("Invalid policy for \"\(path)\"", detail: "\(invalid).",
                                      range: Self.range(of: invalid.path, in: expression)))
            return .unknown
        } catch {
            diagnostics.append(.error("Invalid policy for \"\(path)\"", detail: "\(error)", range: expression.range))
            return .unknown
        }
    }

    /// The source range of the element at a policy path such as `Statement[1].Effect`, or the closest enclosing one.
    static func range(of path: String, in expression: Expression) -> SourceRange {
        var current = expression
        for component in path.split(separator: ".") {
            var name = Substring(component)
            var index: Int?
            if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
                index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
                name = name[..<open]
            }
            guard case .object(let entries, _) = current, let entry = entries.first(where: { $0.key == name }) else { break }
            current = entry.value
            if let index, case .list(let items, _) = current, items.indices.contains(index) { current = items[index] }
        }
        return current.range
    }
}
