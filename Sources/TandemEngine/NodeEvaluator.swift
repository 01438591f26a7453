import TandemCore
import TandemLanguage

/// Evaluates the nodes of a configuration graph, keeping the scope of every module instance up to date as values
/// are recorded: variables, locals, resource and data source groups (`aws_sqs_queue.dlq`, a list under `count`, a
/// map under `for_each`) and module outputs (`module.site`).
///
/// A group's value is assembled only when a node that reads it is evaluated after one of its instances changed, so
/// evaluating thousands of instances stays linear.
struct NodeEvaluator {
    /// The graph being evaluated.
    let graph: ConfigurationGraph
    /// Resource schemas, for the shape of values not recorded yet.
    let registry: ProviderRegistry
    /// Every value recorded so far, but resource instances' only when a node reads their group.
    private(set) var values: [EvaluationNode: Value] = [:]
    private var scopes: [ModulePath: EvaluationScope] = [:]
    private var staleGroups: Set<InstanceGroup>

    /// Starts with root variables `variables`; everything else reads as unknown until recorded.
    init(graph: ConfigurationGraph, registry: ProviderRegistry, variables: [String: Value]) {
        self.graph = graph
        self.registry = registry
        let expansion = graph.expansion
        for (path, module) in expansion.modules {
            let configuration = module.configuration
            let moduleVariables = path.isEmpty ? variables : configuration.variables.mapValues { _ in Value.unknown }
            var scope = StaticScope.base(for: module, rootDirectory: expansion.root.directory, variables: moduleVariables)
            scope.names["local"] = .map(configuration.locals.mapValues { _ in Value.unknown })
            scope.names["module"] = .map([:])
            scope.names["data"] = .map([:])
            scopes[path] = scope
        }
        staleGroups = Set(expansion.groups.keys)
    }

    /// Records the value of `node`, for the nodes evaluated after it.
    mutating func record(_ node: EvaluationNode, _ value: Value) {
        if case .resource(let address) = node {
            // The value of an instance whose group nothing reads is never needed; keeping every instance's was
            // much of a large plan's memory.
            guard !graph.groupsReadByAnyNode.isEmpty else { return }
            let group = InstanceGroup.resource(address.declaration)
            guard graph.groupsReadByAnyNode.contains(group) else { return }
            values[node] = value
            staleGroups.insert(group)
            return
        }
        values[node] = value
        switch node {
        case .resource:
            break
        case .variable(let path, let name):
            scopes[path]?.variables[name] = value
        case .local(let path, let name):
            var locals = scopes[path]?.names["local"]?.mapValue ?? [:]
            locals[name] = value
            scopes[path]?.names["local"] = .map(locals)
        case .output(let path, _):
            if let step = path.last { staleGroups.insert(.module(parent: Array(path.dropLast()), name: step.name)) }
        }
    }

    /// Evaluates a module input, local value or output node and records its value.
    @discardableResult
    mutating func evaluate(_ node: EvaluationNode, diagnostics: inout Diagnostics) -> Value {
        let expansion = graph.expansion
        var value = Value.unknown
        switch node {
        case .resource:
            preconditionFailure("resource nodes are planned or read by the caller")
        case .variable(let path, let name):
            guard let module = expansion.modules[path], let declaration = module.configuration.variables[name] else { break }
            if let input = module.call?.inputs.first(where: { $0.key == name }) {
                value = Evaluator(scope: scope(for: node)).evaluate(input.value, diagnostics: &diagnostics)
                if let type = declaration.type, !VariableInputs.value(value, matches: type) {
                    diagnostics.append(.error("Invalid value for module input \"\(name)\"",
                                              detail: "Variable \"\(name)\" of module \"\(module.call?.name ?? "")\" expects \(type.rawValue), got \(value.typeName).",
                                              range: input.value.range))
                }
                // A broken rule is the caller's mistake: point at the value passed, quote the rule's message.
                for broken in VariableInputs.checkValidations(declaration, value: value) {
                    diagnostics.append(.error("Invalid value for module input \"\(name)\"",
                                              detail: "\(broken.detail ?? broken.summary) (validation rule at \(broken.range?.description ?? "the variable"))",
                                              range: input.value.range))
                }
            } else {
                value = declaration.defaultValue ?? .unknown
            }
        case .local(let path, let name):
            guard let local = expansion.modules[path]?.configuration.locals[name] else { break }
            value = Evaluator(scope: scope(for: node)).evaluate(local.value, diagnostics: &diagnostics)
        case .output(let path, let name):
            guard let output = expansion.modules[path]?.configuration.outputs.first(where: { $0.name == name }) else { break }
            value = Evaluator(scope: scope(for: node)).evaluate(output.value, diagnostics: &diagnostics)
        }
        record(node, value)
        return value
    }

    /// The configuration of a resource or data source instance, evaluated and conformed to `schema`.
    mutating func configuredValue(_ instance: ResourceInstance, schema: ResourceSchema, diagnostics: inout Diagnostics) -> Value {
        ResourceEvaluation.configuredValue(instance.declaration, address: instance.address, schema: schema,
                                           scope: scope(for: .resource(instance.address), instance: instance), diagnostics: &diagnostics)
    }

    /// The scope `node`'s expression is evaluated in, with the groups it reads brought up to date; `instance` is
    /// the resource instance when the node is one (saving a lookup).
    mutating func scope(for node: EvaluationNode, instance: ResourceInstance? = nil) -> EvaluationScope {
        let expansion = graph.expansion
        if !graph.groupsRead.isEmpty {
            for group in graph.groupsRead[node] ?? [] where staleGroups.contains(group) {
                assemble(group)
                staleGroups.remove(group)
            }
        }
        let path: ModulePath
        var names: [String: Value]
        switch node {
        case .resource(let address):
            path = address.modulePath
            names = (instance ?? expansion.instances[address])?.repetitionNames ?? [:]
        case .variable(let modulePath, _):
            // A module input is written in the caller and sees the caller's names and the call's count/each.
            path = Array(modulePath.dropLast())
            names = expansion.modules[modulePath]?.repetitionNames ?? [:]
        case .local(let modulePath, _), .output(let modulePath, _):
            path = modulePath
            names = [:]
        }
        var scope = scopes[path] ?? EvaluationScope()
        if !names.isEmpty { scope.names.merge(names) { $1 } }
        return scope
    }

    /// Rebuilds one group's value from its instances' recorded values (unknown where not recorded).
    private mutating func assemble(_ group: InstanceGroup) {
        let expansion = graph.expansion
        let shape = expansion.shape(of: group)
        switch group {
        case .resource(let declaration):
            let placeholder = registry.schema(for: declaration).map(ResourceEvaluation.unknownValue) ?? .unknown
            let value = shape.collect { key in
                var address = declaration
                address.key = key
                return values[.resource(address)] ?? placeholder
            }
            let path = declaration.modulePath
            if declaration.mode == .managed {
                scopes[path]?.resources[declaration.localName] = value
            } else {
                var data = scopes[path]?.names["data"]?.mapValue ?? [:]
                var byName = data[declaration.type]?.mapValue ?? [:]
                byName[declaration.name] = value
                data[declaration.type] = .map(byName)
                scopes[path]?.names["data"] = .map(data)
            }
        case .module(let parent, let name):
            let outputs = expansion.modules[parent]?.configuration.module(name)?.configuration?.outputs.map(\.name) ?? []
            let value = shape.collect { key in
                let path = parent + [ModuleStep(name, key: key)]
                return .map(Dictionary(uniqueKeysWithValues: outputs.map { ($0, values[.output(path, $0)] ?? .unknown) }))
            }
            var modules = scopes[parent]?.names["module"]?.mapValue ?? [:]
            modules[name] = value
            scopes[parent]?.names["module"] = .map(modules)
        }
    }
}
