import TandemCore
import TandemLanguage

/// Which attributes hold sensitive values: those the schema marks, and arguments whose expressions refer to a
/// sensitive variable or to a sensitive attribute of another resource (followed through the dependency order).
public struct Sensitivity: Sendable {
    /// Sensitive attribute paths per resource.
    public private(set) var paths: [ResourceAddress: Set<String>] = [:]
    private let sensitiveVariables: Set<String>
    private var sensitiveLocals: Set<String> = []

    /// Analyses `configuration`; `order` must list resources after what they refer to.
    public init(_ configuration: Configuration, registry: ProviderRegistry, order: [ResourceAddress]) {
        sensitiveVariables = Set(configuration.variables.values.filter(\.sensitive).map(\.name))
        let localOrder = configuration.localGraph.topologicalOrder()
        for address in order {
            // Locals may read resources planned just before this one, so their sensitivity is brought up to date first.
            markSensitiveLocals(configuration, order: localOrder)
            guard let resource = configuration.resource(address) else { continue }
            var sensitive = registry.schema(for: address.type)?.sensitivePaths ?? []
            for argument in resource.arguments where refersToSensitive(argument.value) {
                sensitive.insert(argument.key)
            }
            paths[address] = sensitive
        }
        markSensitiveLocals(configuration, order: localOrder)
    }

    private mutating func markSensitiveLocals(_ configuration: Configuration, order: [String]) {
        for name in order {
            if let local = configuration.locals[name], refersToSensitive(local.value) { sensitiveLocals.insert(name) }
        }
    }

    /// True when `expression` reads a sensitive variable or a sensitive resource attribute.
    public func refersToSensitive(_ expression: Expression) -> Bool {
        expression.traversals.contains { traversal in
            guard case .attribute(let name)? = traversal.steps.first else { return false }
            if traversal.root == "var" { return sensitiveVariables.contains(name) }
            if traversal.root == "local" { return sensitiveLocals.contains(name) }
            let resourcePaths = paths[ResourceAddress(type: traversal.root, name: name)] ?? []
            guard traversal.steps.count > 1, case .attribute(let attribute) = traversal.steps[1] else {
                return !resourcePaths.isEmpty
            }
            return resourcePaths.contains { Self.path($0, covers: attribute) || Self.path(attribute, covers: $0) }
        }
    }

    /// Errors for outputs that show a sensitive value without being declared `sensitive: true`.
    public func outputDiagnostics(_ configuration: Configuration) -> Diagnostics {
        Diagnostics(configuration.outputs.filter { !$0.sensitive && refersToSensitive($0.value) }.map { output in
            .error("Output \"\(output.name)\" refers to sensitive values",
                   detail: "Its value would be shown in plans and in tandem output. Add `sensitive: true` to the output (long form: {value: ..., sensitive: true}).",
                   range: output.range)
        })
    }

    /// True when `path` is `prefix` or lies inside it (`a.b` is inside `a`).
    public static func path(_ path: String, covers other: String) -> Bool {
        other == path || other.hasPrefix(path + ".")
    }
}
