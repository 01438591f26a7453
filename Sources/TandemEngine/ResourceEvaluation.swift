import TandemCore
import TandemLanguage

/// Evaluates resource configuration and merges it with prior state into the values a plan proposes.
public enum ResourceEvaluation {
    /// The configuration of instance `address` of `resource`, evaluated in `scope` and conformed to its schema.
    public static func configuredValue(_ resource: ResourceDeclaration, address: ResourceAddress, schema: ResourceSchema,
                                       scope: EvaluationScope, diagnostics: inout Diagnostics) -> Value {
        var local = Diagnostics()
        let evaluated = Evaluator(scope: scope).evaluate(resource.body, diagnostics: &local)
        let kind = address.mode == .data ? "data source" : "resource"
        let conformed = SchemaConformance(subject: "\(kind) \(address.declaration)")
            .conformBlock(evaluated, expression: resource.body, attributes: schema.attributes, diagnostics: &local)
        for var diagnostic in local {
            diagnostic.address = diagnostic.address ?? address.description
            diagnostics.append(diagnostic)
        }
        return conformed
    }

    /// `config` with `lifecycle.ignore_changes` applied: once the object exists (`prior`), ignored attributes keep
    /// their live value whatever the configuration says.
    public static func ignoringChanges(_ config: Value, prior: Value?, lifecycle: Lifecycle, schema: ResourceSchema) -> Value {
        guard let prior, case .map(var entries) = config else { return config }
        if lifecycle.ignoreAllChanges {
            for (name, attribute) in schema.attributes where attribute.isSettable { entries[name] = prior[name] }
            return .map(entries)
        }
        var result = Value.map(entries)
        for (path, _) in lifecycle.ignoreChanges {
            let components = path.split(separator: ".").map(String.init)
            result = replacing(result, at: components[...], with: value(prior, at: components[...]))
        }
        return result
    }

    private static func value(_ value: Value, at path: ArraySlice<String>) -> Value {
        guard let first = path.first else { return value }
        return Self.value(value[first], at: path.dropFirst())
    }

    private static func replacing(_ value: Value, at path: ArraySlice<String>, with replacement: Value) -> Value {
        guard let first = path.first else { return replacement }
        var entries = value.mapValue ?? [:]
        entries[first] = replacing(entries[first] ?? .null, at: path.dropFirst(), with: replacement)
        return .map(entries)
    }

    /// Errors for `ignore_changes` paths that name no settable attribute of the schema.
    public static func checkIgnoredPaths(_ resource: ResourceDeclaration, schema: ResourceSchema) -> [Diagnostic] {
        resource.lifecycle.ignoreChanges.compactMap { path, range in
            var attributes = schema.attributes
            for component in path.split(separator: ".").map(String.init) {
                guard let attribute = attributes[component], attribute.isSettable else {
                    let valid = attributes.filter { $0.value.isSettable }.keys.sorted()
                    return .error("ignore_changes names no argument \"\(path)\"",
                                  detail: "\(resource.address.type) has no argument \"\(component)\" here.\(Suggestions.didYouMean(component, in: valid))",
                                  range: range, address: resource.address.description)
                }
                if case .object(let nested) = attribute.type { attributes = nested } else { attributes = [:] }
            }
            return nil
        }
    }

    /// `config` with provider defaults filled into unset optional-computed attributes.
    public static func withDefaults(_ config: Value, _ defaults: [String: Value], schema: ResourceSchema) -> Value {
        guard case .map(var entries) = config, !defaults.isEmpty else { return config }
        for (name, value) in defaults where entries[name] == nil && schema.attributes[name]?.mode == .optionalComputed {
            entries[name] = value
        }
        return .map(entries)
    }

    /// A stand-in value for a resource not planned yet: every attribute unknown.
    public static func unknownValue(_ schema: ResourceSchema) -> Value {
        .map(schema.attributes.mapValues { _ in .unknown })
    }

    /// The proposed new attributes: configured values where set, prior values for unset optional-computed
    /// and computed attributes (unknown when there is no prior), and nested blocks merged the same way.
    public static func proposedValue(config: Value, prior: Value?, attributes: [String: AttributeSchema]) -> Value {
        guard case .map(let configured) = config else { return config }
        let priorMap = prior?.mapValue
        var result: [String: Value] = [:]
        result.reserveCapacity(attributes.count)
        for (name, attribute) in attributes {
            let priorValue = priorMap?[name]
            switch (attribute.mode, configured[name]) {
            case (.computed, _), (.optionalComputed, nil):
                result[name] = priorMap == nil ? .unknown : (priorValue ?? .null)
            case (_, let value?):
                if case .object(let nested) = attribute.type, value.mapValue != nil {
                    result[name] = proposedValue(config: value, prior: priorValue == .null ? nil : priorValue, attributes: nested)
                } else {
                    result[name] = value
                }
            case (_, nil):
                result[name] = .null
            }
        }
        return .map(result)
    }

    /// The action needed to go from `prior` to the configuration, the planned attributes and the attribute changes.
    ///
    /// A replacement is planned as a new object: its computed attributes (ARNs, URLs) become unknown, so whatever
    /// refers to them is planned to change too.
    public static func plannedChange(config: Value, prior: Value?, schema: ResourceSchema,
                                     defaults: [String: Value] = [:]) -> (action: ChangeAction, after: Value, changes: [AttributeChange]) {
        // Provider defaults describe new objects only; an existing object keeps its live values.
        let newObjectConfig = withDefaults(config, defaults, schema: schema)
        guard prior != nil else {
            let created = proposedValue(config: newObjectConfig, prior: nil, attributes: schema.attributes)
            return (.create, created, AttributeDiff.changes(before: nil, after: created, attributes: schema.attributes))
        }
        var proposed = proposedValue(config: config, prior: prior, attributes: schema.attributes)
        let changes = AttributeDiff.changes(before: prior, after: proposed, attributes: schema.attributes)
        if changes.isEmpty { return (.noop, proposed, []) }
        guard changes.contains(where: \.forcesReplacement) else {
            let recomputed = schema.attributes.filter { _, attribute in
                attribute.mode == .computed && changes.contains { change in
                    attribute.recomputedOnChangeOf.contains { change.path == $0 || change.path.hasPrefix($0 + ".") || change.path.hasPrefix($0 + "[") }
                }
            }.keys
            guard !recomputed.isEmpty, case .map(var entries) = proposed else { return (.update, proposed, changes) }
            for name in recomputed { entries[name] = .unknown }
            proposed = .map(entries)
            return (.update, proposed, AttributeDiff.changes(before: prior, after: proposed, attributes: schema.attributes))
        }
        let replacement = proposedValue(config: newObjectConfig, prior: nil, attributes: schema.attributes)
        return (.replace, replacement, AttributeDiff.changes(before: prior, after: replacement, attributes: schema.attributes))
    }
}
