import TandemCore
import TandemLanguage

/// Which values are sensitive: attributes the schema marks, and anything whose expression reads a sensitive
/// variable, a sensitive attribute of a resource, or a sensitive local, module input or output (followed through
/// the graph in evaluation order, across modules).
public struct Sensitivity: Sendable {
    /// The paths each schema marks sensitive, by mode and type (the same for every instance).
    private var schemaPaths: [ResourceMode: [String: Set<String>]] = [:]
    /// Paths of resource instances that read a sensitive value (instances with none are left out).
    private var readingPaths: [ResourceAddress: Set<String>] = [:]
    /// Variables, locals and outputs that carry a sensitive value.
    private var sensitiveNodes: Set<EvaluationNode> = []
    private let sensitiveRootVariables: Set<String>
    private let resolver: ReferenceResolver

    /// Analyses `graph` in evaluation order.
    public init(_ graph: ConfigurationGraph, registry: ProviderRegistry) {
        let expansion = graph.expansion
        resolver = ReferenceResolver(expansion: expansion)
        sensitiveRootVariables = Set(expansion.root.variables.values.filter(\.sensitive).map(\.name))
        for node in graph.order {
            switch node {
            case .resource(let address):
                guard let instance = expansion.instances[address], let module = expansion.modules[address.modulePath] else { continue }
                let context = ReferenceContext(module: module, names: instance.repetitionNames)
                let schema = registry.schema(for: address)
                if schemaPaths[address.mode]?[address.type] == nil {
                    schemaPaths[address.mode, default: [:]][address.type] = schema?.sensitivePaths ?? []
                }
                var reading: Set<String> = []
                for argument in instance.declaration.arguments {
                    reading.formUnion(sensitivePaths(argument.value, at: argument.key, type: schema?.attributes[argument.key]?.type, in: context))
                }
                if !reading.isEmpty { readingPaths[address] = reading }
            case .variable(let path, let name):
                guard let module = expansion.modules[path], let parent = expansion.modules[module.parentPath] else { continue }
                let declared = module.configuration.variables[name]?.sensitive == true
                let input = module.call?.inputs.first { $0.key == name }?.value
                if declared || input.map({ refersToSensitive($0, in: ReferenceContext(module: parent, names: module.repetitionNames)) }) == true {
                    sensitiveNodes.insert(node)
                }
            case .local(let path, let name):
                guard let module = expansion.modules[path], let local = module.configuration.locals[name] else { continue }
                if refersToSensitive(local.value, in: ReferenceContext(module: module, names: [:])) { sensitiveNodes.insert(node) }
            case .output(let path, let name):
                guard let module = expansion.modules[path], let output = module.configuration.outputs.first(where: { $0.name == name }) else { continue }
                if output.sensitive || refersToSensitive(output.value, in: ReferenceContext(module: module, names: [:])) { sensitiveNodes.insert(node) }
            }
        }
    }

    /// The paths under `path` whose values read a sensitive value: inside a block (an `.object` attribute) written out
    /// in place, only the entries that do (`source.secret_key`, not all of `source`), so the rest of the block stays
    /// readable in plans. Maps and lists are masked whole, as plans show them whole.
    private func sensitivePaths(_ expression: Expression, at path: String, type: AttributeType?, in context: ReferenceContext) -> Set<String> {
        if case .object(let entries, _) = expression, case .object(let nested)? = type {
            return entries.reduce(into: []) {
                $0.formUnion(sensitivePaths($1.value, at: "\(path).\($1.key)", type: nested[$1.key]?.type, in: context))
            }
        }
        return refersToSensitive(expression, in: context) ? [path] : []
    }

    /// The sensitive attribute paths of resource instance `address`: those its schema marks, and those whose
    /// expressions read a sensitive value.
    public func paths(of address: ResourceAddress) -> Set<String> {
        let marked = schemaPaths[address.mode]?[address.type] ?? []
        guard !readingPaths.isEmpty, let reading = readingPaths[address] else { return marked }
        return marked.union(reading)
    }

    /// True when `expression`, evaluated in `context`, reads a sensitive value.
    func refersToSensitive(_ expression: Expression, in context: ReferenceContext) -> Bool {
        var ignored = Diagnostics()
        return expression.traversals.contains { traversal in
            if traversal.root == "var", context.module.path.isEmpty, case .attribute(let name)? = traversal.steps.first {
                return sensitiveRootVariables.contains(name)
            }
            // `each`, `count` and `path` read no node (and are most references of repeated resources).
            switch traversal.root {
            case "each", "count", "path": return false
            default: break
            }
            let reference = resolver.resolve(traversal, in: context, diagnostics: &ignored)
            return reference.nodes.contains { node in
                guard let address = node.resourceAddress else { return sensitiveNodes.contains(node) }
                let resourcePaths = paths(of: address)
                guard let attribute = reference.attribute else { return !resourcePaths.isEmpty }
                return resourcePaths.contains { Self.path($0, covers: attribute) || Self.path(attribute, covers: $0) }
            }
        }
    }

    /// Errors for outputs that show a sensitive value without being declared `sensitive: true`, and for `for_each`
    /// or `count` built from sensitive values (instance keys appear in addresses, which every plan shows).
    public var diagnostics: Diagnostics {
        var result = Diagnostics()
        let expansion = resolver.expansion
        for module in expansion.modules.values where module.path.isEmpty || expansion.isFirstInstance(module.path) {
            let context = ReferenceContext(module: module, names: [:])
            for output in module.configuration.outputs where !output.sensitive && refersToSensitive(output.value, in: context) {
                result.append(.error("Output \"\(output.name)\" refers to sensitive values",
                                     detail: "Its value would be shown in plans and in tandem output. Add `sensitive: true` to the output (long form: {value: ..., sensitive: true}).",
                                     range: output.range))
            }
            let repeated = module.configuration.resources.compactMap(\.repetition) + module.configuration.modules.compactMap(\.repetition)
            for repetition in repeated where refersToSensitive(repetition.expression, in: context) {
                result.append(.error("\(repetition.name) cannot use sensitive values",
                                     detail: "Instance keys become part of addresses, which plans, state and logs show.", range: repetition.expression.range))
            }
        }
        return result.deduplicated
    }

    /// True when `path` is `prefix` or lies inside it (`a.b` is inside `a`).
    public static func path(_ path: String, covers other: String) -> Bool {
        other == path || other.hasPrefix(path + ".")
    }
}
