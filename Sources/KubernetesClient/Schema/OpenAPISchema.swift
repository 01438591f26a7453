import Foundation
import TandemCore

/// A CRD's `openAPIV3Schema` (or one node inside it), read once into a tree that validation walks without
/// looking at the schema document again: patterns are compiled, `required` is a list, keywords are typed.
///
/// The keywords are those of Kubernetes structural schemas (apiextensions.k8s.io/v1): OpenAPI 3.0's `type`,
/// `properties`, `additionalProperties`, `items`, `required`, `enum`, `pattern`, `format`, `minimum`/`maximum`
/// (with boolean `exclusiveMinimum`/`exclusiveMaximum`), `multipleOf`, length, item and property counts,
/// `nullable`, `allOf`/`anyOf`/`oneOf`/`not`, plus the `x-kubernetes-*` extensions that change what a value may be.
/// `x-kubernetes-validations` (CEL) is not evaluated: a v1.20 API server drops those rules too.
public final class OpenAPISchema: Sendable {
    /// An OpenAPI `type`.
    public enum ValueType: String, Sendable {
        case object, array, string, integer, number, boolean
    }

    /// What a map may hold besides its declared `properties`.
    public enum AdditionalProperties: Sendable {
        /// Not said: only the declared properties (the API server prunes the rest).
        case unspecified
        /// `additionalProperties: true`: anything.
        case any
        /// `additionalProperties: false`: nothing.
        case forbidden
        /// `additionalProperties: {schema}`: a map whose every value follows the schema.
        case schema(OpenAPISchema)
    }

    /// `x-kubernetes-list-type`.
    public enum ListType: String, Sendable {
        /// Replaced as a whole (the default).
        case atomic
        /// Scalars without duplicates.
        case set
        /// Maps identified by `x-kubernetes-list-map-keys`, no two with the same keys.
        case map
    }

    /// A compiled `pattern`.
    public struct Pattern: Sendable {
        /// The pattern as the CRD writes it.
        public let source: String
        let expression: NSRegularExpression

        /// True when `text` contains a match (patterns are not anchored unless they say `^`/`$`).
        func matches(_ text: String) -> Bool {
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }

    /// `type`, or nil when the schema does not constrain it.
    public let type: ValueType?
    /// `properties`.
    public let properties: [String: OpenAPISchema]
    /// `additionalProperties`.
    public let additionalProperties: AdditionalProperties
    /// `items`.
    public let items: OpenAPISchema?
    /// `required`.
    public let required: [String]
    /// `default`: the server fills it in before validating, so a required field with a default may be left out.
    public let defaultValue: Value?
    /// `enum`, when present.
    public let allowedValues: [Value]?
    /// `pattern`.
    public let pattern: Pattern?
    /// `format` (`int32`, `int64`, `date-time` and `byte` are checked; others are accepted as the server's
    /// unknown formats are).
    public let format: String?
    /// `minimum` and whether it is exclusive.
    public let minimum: (value: Double, exclusive: Bool)?
    /// `maximum` and whether it is exclusive.
    public let maximum: (value: Double, exclusive: Bool)?
    /// `multipleOf`.
    public let multipleOf: Double?
    /// `minLength`, `maxLength` (in Unicode characters).
    public let minLength: Int?, maxLength: Int?
    /// `minItems`, `maxItems`.
    public let minItems: Int?, maxItems: Int?
    /// `minProperties`, `maxProperties`.
    public let minProperties: Int?, maxProperties: Int?
    /// `nullable`.
    public let isNullable: Bool
    /// `x-kubernetes-preserve-unknown-fields`: undeclared fields are kept.
    public let preservesUnknownFields: Bool
    /// `x-kubernetes-embedded-resource`: a whole Kubernetes object (apiVersion, kind and metadata allowed).
    public let isEmbeddedResource: Bool
    /// `x-kubernetes-int-or-string`: an integer or a string.
    public let isIntOrString: Bool
    /// `x-kubernetes-list-type`.
    public let listType: ListType?
    /// `x-kubernetes-list-map-keys`.
    public let listMapKeys: [String]
    /// `allOf`, `anyOf`, `oneOf`.
    public let allOf: [OpenAPISchema], anyOf: [OpenAPISchema], oneOf: [OpenAPISchema]
    /// `not`.
    public let not: OpenAPISchema?

    /// Reads a schema document (the value of `openAPIV3Schema`). Throws ``OpenAPISchemaError`` when a keyword has
    /// the wrong shape or a pattern does not compile, naming the keyword's place in the schema, or when part of it
    /// is known only after apply.
    public convenience init(_ document: Value) throws {
        guard !document.containsUnknown else {
            throw OpenAPISchemaError(path: [], message: "the schema holds values known only after apply; it must be known when planning")
        }
        var compiler = OpenAPISchemaCompiler()
        try self.init(document, at: [], compiler: &compiler)
    }

    init(_ document: Value, at path: FieldPath, compiler: inout OpenAPISchemaCompiler) throws {
        guard case .map(let keywords) = document else {
            throw OpenAPISchemaError(path: path, message: "a schema must be a map, not \(document.typeName)")
        }
        let reader = SchemaKeywords(keywords: keywords, path: path)
        type = try reader.string("type").map { name -> ValueType in
            guard let type = ValueType(rawValue: name) else {
                throw OpenAPISchemaError(path: path.appending("type"), message: "unknown type \"\(name)\"")
            }
            return type
        }
        var properties: [String: OpenAPISchema] = [:]
        for (name, property) in try reader.map("properties") ?? [:] {
            properties[name] = try OpenAPISchema(property, at: path.appending("properties").appending(name), compiler: &compiler)
        }
        self.properties = properties
        switch keywords["additionalProperties"] {
        case nil, .null?: additionalProperties = .unspecified
        case .bool(let allowed)?: additionalProperties = allowed ? .any : .forbidden
        case let schema?:
            additionalProperties = .schema(try OpenAPISchema(schema, at: path.appending("additionalProperties"), compiler: &compiler))
        }
        items = try keywords["items"].map { schema in
            try OpenAPISchema(schema, at: path.appending("items"), compiler: &compiler)
        }
        required = try reader.strings("required")
        defaultValue = keywords["default"]
        allowedValues = try reader.list("enum")
        pattern = try reader.string("pattern").map { source in
            try compiler.pattern(source, at: path.appending("pattern"))
        }
        format = try reader.string("format")
        minimum = try reader.number("minimum").map { (value: $0, exclusive: try reader.bool("exclusiveMinimum") ?? false) }
        maximum = try reader.number("maximum").map { (value: $0, exclusive: try reader.bool("exclusiveMaximum") ?? false) }
        multipleOf = try reader.number("multipleOf")
        minLength = try reader.count("minLength")
        maxLength = try reader.count("maxLength")
        minItems = try reader.count("minItems")
        maxItems = try reader.count("maxItems")
        minProperties = try reader.count("minProperties")
        maxProperties = try reader.count("maxProperties")
        isNullable = try reader.bool("nullable") ?? false
        preservesUnknownFields = try reader.bool("x-kubernetes-preserve-unknown-fields") ?? false
        isEmbeddedResource = try reader.bool("x-kubernetes-embedded-resource") ?? false
        isIntOrString = try reader.bool("x-kubernetes-int-or-string") ?? false
        listType = try reader.string("x-kubernetes-list-type").map { name -> ListType in
            guard let type = ListType(rawValue: name) else {
                throw OpenAPISchemaError(path: path.appending("x-kubernetes-list-type"), message: "unknown list type \"\(name)\"")
            }
            return type
        }
        listMapKeys = try reader.strings("x-kubernetes-list-map-keys")
        allOf = try Self.schemas(reader.list("allOf"), named: "allOf", at: path, compiler: &compiler)
        anyOf = try Self.schemas(reader.list("anyOf"), named: "anyOf", at: path, compiler: &compiler)
        oneOf = try Self.schemas(reader.list("oneOf"), named: "oneOf", at: path, compiler: &compiler)
        not = try keywords["not"].map { schema in
            try OpenAPISchema(schema, at: path.appending("not"), compiler: &compiler)
        }
    }

    private static func schemas(_ list: [Value]?, named keyword: String, at path: FieldPath,
                                compiler: inout OpenAPISchemaCompiler) throws -> [OpenAPISchema] {
        var schemas: [OpenAPISchema] = []
        for (index, schema) in (list ?? []).enumerated() {
            schemas.append(try OpenAPISchema(schema, at: path.appending(keyword).appending(index), compiler: &compiler))
        }
        return schemas
    }

    /// The schema of the map entry `key`: its property, else the `additionalProperties` schema.
    func fieldSchema(_ key: String) -> OpenAPISchema? {
        if let property = properties[key] { return property }
        if case .schema(let values) = additionalProperties { return values }
        return nil
    }

    /// Validates `object` against this schema; an empty result means it conforms. Values that are `unknown`
    /// (known only after apply) are never violations. Paths start at `path`.
    public func validate(_ object: Value, at path: FieldPath = []) -> [SchemaViolation] {
        var validator = SchemaValidator()
        validator.validate(object, against: self, at: path)
        return validator.violations
    }
}

/// A schema that cannot be read: where in the schema, and why.
public struct OpenAPISchemaError: Error, Sendable, CustomStringConvertible {
    /// The keyword's place inside the schema document.
    public let path: FieldPath
    /// What is wrong with it.
    public let message: String

    /// `openAPIV3Schema.path: message`.
    public var description: String { "openAPIV3Schema\(path.components.isEmpty ? "" : ".\(path)"): \(message)" }
}

/// State shared while one schema document is read: patterns compiled once per distinct text (Rook's CRDs repeat
/// the quantity pattern about a hundred times).
struct OpenAPISchemaCompiler {
    private var patterns: [String: OpenAPISchema.Pattern] = [:]

    mutating func pattern(_ source: String, at path: FieldPath) throws -> OpenAPISchema.Pattern {
        if let known = patterns[source] { return known }
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: source)
        } catch {
            throw OpenAPISchemaError(path: path, message: "the pattern \(source) is not a valid regular expression")
        }
        let pattern = OpenAPISchema.Pattern(source: source, expression: expression)
        patterns[source] = pattern
        return pattern
    }
}

/// Typed access to a schema node's keywords, with errors that name the keyword.
private struct SchemaKeywords {
    let keywords: [String: Value]
    let path: FieldPath

    private func mismatch(_ keyword: String, _ expected: String) -> OpenAPISchemaError {
        OpenAPISchemaError(path: path.appending(keyword), message: "must be \(expected), not \(keywords[keyword]?.typeName ?? "null")")
    }

    func string(_ keyword: String) throws -> String? {
        guard let value = keywords[keyword], value != .null else { return nil }
        guard let string = value.stringValue else { throw mismatch(keyword, "a string") }
        return string
    }

    func bool(_ keyword: String) throws -> Bool? {
        guard let value = keywords[keyword], value != .null else { return nil }
        guard let bool = value.boolValue else { throw mismatch(keyword, "true or false") }
        return bool
    }

    func number(_ keyword: String) throws -> Double? {
        guard let value = keywords[keyword], value != .null else { return nil }
        guard let number = value.numberValue else { throw mismatch(keyword, "a number") }
        return number
    }

    func count(_ keyword: String) throws -> Int? {
        guard let value = keywords[keyword], value != .null else { return nil }
        guard let count = value.intValue, count >= 0 else { throw mismatch(keyword, "a whole number, 0 or more") }
        return count
    }

    func list(_ keyword: String) throws -> [Value]? {
        guard let value = keywords[keyword], value != .null else { return nil }
        guard let list = value.listValue else { throw mismatch(keyword, "a list") }
        return list
    }

    func strings(_ keyword: String) throws -> [String] {
        var strings: [String] = []
        for item in try list(keyword) ?? [] {
            guard let string = item.stringValue else { throw mismatch(keyword, "a list of strings") }
            strings.append(string)
        }
        return strings
    }

    func map(_ keyword: String) throws -> [String: Value]? {
        guard let value = keywords[keyword], value != .null else { return nil }
        guard let map = value.mapValue else { throw mismatch(keyword, "a map") }
        return map
    }
}
