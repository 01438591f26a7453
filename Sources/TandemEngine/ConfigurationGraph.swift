import TandemCore
import TandemLanguage

/// The evaluation graph of an expanded configuration: one node per resource instance, module input, local value and
/// output, with an edge for every reference and `depends_on`.
public struct ConfigurationGraph: Sendable {
    /// The expanded configuration the graph was built from.
    public let expansion: Expansion
    /// Nodes and what each depends on directly.
    public private(set) var graph = DependencyGraph<EvaluationNode>()
    /// Resource declarations and module calls each node reads as a value (the evaluator assembles these).
    public private(set) var groupsRead: [EvaluationNode: Set<InstanceGroup>] = [:]
    /// Every node after what it depends on (nodes on a cycle are left out).
    public private(set) var order: [EvaluationNode] = []
    /// Each node's position in `order`.
    private var positions: [EvaluationNode: Int] = [:]
    /// Resource instances reached through each non-resource node (locals, module inputs and outputs).
    private var resourcesThrough: [EvaluationNode: Set<ResourceAddress>] = [:]
    /// True when some nodes depend on each other in a loop (reported as errors; those nodes are not in `order`).
    public var hasCycles: Bool { order.count != graph.dependencies.count }

    /// Builds the graph, reporting undeclared references, unknown types and providers, and cycles.
    public static func build(_ expansion: Expansion, registry: ProviderRegistry) -> (ConfigurationGraph, Diagnostics) {
        var result = ConfigurationGraph(expansion: expansion)
        var diagnostics = Diagnostics()
        let resolver = ReferenceResolver(expansion: expansion)

        func connect(_ node: EvaluationNode, _ expression: Expression?, _ context: ReferenceContext) {
            result.graph.add(node)
            guard let expression else { return }
            for reference in resolver.resolve(expression, in: context, diagnostics: &diagnostics) {
                for target in reference.nodes { result.graph.add(node, dependsOn: target) }
                if !reference.groups.isEmpty { result.groupsRead[node, default: []].formUnion(reference.groups) }
            }
        }

        for module in expansion.modules.values.sorted(by: { $0.path.lexicographicallyPrecedes($1.path) }) {
            let configuration = module.configuration
            let plain = ReferenceContext(module: module, names: [:])
            if let call = module.call, let parent = expansion.modules[module.parentPath] {
                let callerContext = ReferenceContext(module: parent, names: module.repetitionNames, subject: "module.\(call.name)")
                for name in configuration.variables.keys {
                    connect(.variable(module.path, name), call.inputs.first { $0.key == name }?.value, callerContext)
                }
            }
            for (name, local) in configuration.locals { connect(.local(module.path, name), local.value, plain) }
            for output in configuration.outputs { connect(.output(module.path, output.name), output.value, plain) }
            if module.path.isEmpty || expansion.isFirstInstance(module.path) {
                diagnostics.append(contentsOf: checkProviders(of: module, expansion: expansion))
            }
        }
        for address in expansion.instances.keys.sorted() {
            guard let instance = expansion.instances[address] else { continue }
            guard let module = expansion.modules[instance.address.modulePath] else { continue }
            let node = EvaluationNode.resource(instance.address)
            let context = ReferenceContext(module: module, names: instance.repetitionNames, subject: instance.address.description)
            connect(node, instance.declaration.body, context)
            for (dependency, range) in instance.declaration.explicitDependencies {
                guard dependency.modulePath.isEmpty else {
                    diagnostics.append(.error("depends_on names resources of this module",
                                              detail: "\(dependency) is inside a module; depend on the value you need through one of its outputs instead.",
                                              range: range, address: instance.address.description))
                    continue
                }
                guard module.configuration.resource(dependency) != nil else {
                    let declared = module.configuration.resources.map(\.address.localName)
                    diagnostics.append(.error("Reference to undeclared resource \"\(dependency.localName)\"",
                                              detail: "depends_on names no declared resource.\(Suggestions.didYouMean(dependency.localName, in: declared))",
                                              range: range, address: instance.address.description))
                    continue
                }
                var group = dependency.declaration
                group.modulePath = module.path
                let shape = expansion.shape(of: .resource(group))
                if let key = dependency.key, shape.keysKnown, !shape.contains(key) {
                    diagnostics.append(.error("depends_on names no instance \(dependency.localName)\(key)",
                                              detail: "\(dependency.localName) has \(shape.keys.count) instance(s)\(shape.keys.first.map { _ in ": " + shape.keys.prefix(5).map { $0?.description ?? "(single)" }.joined(separator: ", ") } ?? "").",
                                              range: range, address: instance.address.description))
                    continue
                }
                let keys = dependency.key.map { [$0] } ?? shape.keys
                for key in keys {
                    var target = group
                    target.key = key
                    result.graph.add(node, dependsOn: .resource(target))
                }
            }
            if registry.schema(for: instance.address) == nil {
                let types = instance.address.mode == .data ? registry.dataSourceTypes : registry.resourceTypes
                diagnostics.append(.error("Unknown \(instance.address.mode == .data ? "data source" : "resource") type \"\(instance.address.type)\"",
                                          detail: "No provider offers \"\(instance.address.type)\".\(Suggestions.didYouMean(instance.address.type, in: types))",
                                          range: instance.declaration.range, address: instance.declaration.address.description))
            }
            if module.path.isEmpty, instance.providerKey.contains("."), expansion.root.providers[instance.providerKey] == nil {
                diagnostics.append(undeclaredProvider(instance.providerKey, in: expansion.root,
                                                      range: instance.declaration.providerRange ?? instance.declaration.range))
            }
        }
        result.order = result.graph.topologicalOrder()
        // Only a graph whose order leaves nodes out has cycles; finding them is the expensive part, so only then.
        let cycles = result.order.count == result.graph.dependencies.count ? [] : result.graph.cycles()
        for cycle in cycles {
            let names = (cycle + [cycle[0]]).map(\.description).joined(separator: " -> ")
            let locals = cycle.allSatisfy { if case .local = $0 { return true }; return false }
            diagnostics.append(.error(locals ? "Local value cycle: \(names)" : "Dependency cycle: \(names)",
                                      detail: locals ? "These local values refer to each other, so none can be evaluated first."
                                          : "These refer to each other, so none can be created first. Break the cycle, e.g. with a separate policy resource.",
                                      range: result.range(of: cycle[0]), address: cycle[0].resourceAddress?.description))
        }
        result.positions = Dictionary(uniqueKeysWithValues: result.order.enumerated().map { ($1, $0) })
        for node in result.order where node.resourceAddress == nil {
            var reached: Set<ResourceAddress> = []
            for dependency in result.graph.dependencies[node] ?? [] {
                if let address = dependency.resourceAddress { reached.insert(address) } else { reached.formUnion(result.resourcesThrough[dependency] ?? []) }
            }
            result.resourcesThrough[node] = reached
        }
        return (result, diagnostics.deduplicated)
    }

    /// `node` and what must be evaluated to evaluate it, in evaluation order: the locals, module inputs and outputs
    /// it reads (directly or through each other) and the resources they reach. A resource's own dependencies are not
    /// included: its value is taken as recorded.
    public func evaluationOrder(upTo node: EvaluationNode) -> [EvaluationNode] {
        var needed: Set<EvaluationNode> = [node]
        var pending = Array(graph.dependencies[node] ?? [])
        while let next = pending.popLast() {
            guard needed.insert(next).inserted, next.resourceAddress == nil else { continue }
            pending.append(contentsOf: graph.dependencies[next] ?? [])
        }
        return needed.sorted { (positions[$0] ?? 0) < (positions[$1] ?? 0) }
    }

    /// The resource instances `address` depends on, directly or through locals, module inputs and outputs.
    public func resourceDependencies(of address: ResourceAddress) -> [ResourceAddress] {
        var result: Set<ResourceAddress> = []
        for dependency in graph.dependencies[.resource(address)] ?? [] {
            if let target = dependency.resourceAddress { result.insert(target) } else { result.formUnion(resourcesThrough[dependency] ?? []) }
        }
        return result.sorted()
    }

    /// The dependency graph between resource instances only (what a resource depends on through anything else).
    public var resourceGraph: DependencyGraph<ResourceAddress> {
        var result = DependencyGraph<ResourceAddress>()
        for address in expansion.instances.keys {
            result.add(address)
            for dependency in resourceDependencies(of: address) { result.add(address, dependsOn: dependency) }
        }
        return result
    }

    /// Where a node is declared.
    public func range(of node: EvaluationNode) -> SourceRange? {
        switch node {
        case .resource(let address): return expansion.instances[address]?.declaration.range
        case .variable(let path, let name):
            let module = expansion.modules[path]
            return module?.call?.inputs.first { $0.key == name }?.keyRange ?? module?.configuration.variables[name]?.range
        case .local(let path, let name): return expansion.modules[path]?.configuration.locals[name]?.range
        case .output(let path, let name): return expansion.modules[path]?.configuration.outputs.first { $0.name == name }?.range
        }
    }

    /// Provider mappings of the module calls made from `module`: each must name a provider the caller has.
    private static func checkProviders(of module: ModuleInstance, expansion: Expansion) -> [Diagnostic] {
        var result: [Diagnostic] = []
        for call in module.configuration.modules {
            for mapping in call.providers {
                guard let root = expansion.rootProviderKey(mapping.parent, in: module.path) else {
                    result.append(.error("Provider \"\(mapping.parent)\" is not available here",
                                         detail: "This module was not passed \"\(mapping.parent)\"; its own call must pass it first.", range: mapping.range))
                    continue
                }
                if root.contains("."), expansion.root.providers[root] == nil {
                    result.append(undeclaredProvider(root, in: expansion.root, range: mapping.range))
                }
            }
        }
        return result
    }

    private static func undeclaredProvider(_ key: String, in root: Configuration, range: SourceRange) -> Diagnostic {
        .error("Provider configuration \"\(key)\" is not declared",
               detail: "Declared: \(root.providers.keys.sorted().joined(separator: ", ")).\(Suggestions.didYouMean(key, in: root.providers.keys))",
               range: range)
    }
}

extension Diagnostics {
    /// The diagnostics in source order (file, line, column; those without a place last), repeats removed.
    public var inSourceOrder: Diagnostics {
        let items = deduplicated.items.enumerated().sorted { lhs, rhs in
            switch (lhs.element.range, rhs.element.range) {
            case let (a?, b?) where a.file != b.file: return a.file < b.file
            case let (a?, b?) where a.start != b.start: return a.start < b.start
            case (nil, _?): return false
            case (_?, nil): return true
            default: return lhs.offset < rhs.offset
            }
        }
        return Diagnostics(items.map(\.element))
    }

    /// The same diagnostics with repeats (same summary at the same place) removed: a declaration inside a module
    /// or under `count` is checked once per instance but reported once.
    public var deduplicated: Diagnostics {
        var seen: Set<String> = []
        return Diagnostics(items.filter { seen.insert("\($0.severity)|\($0.summary)|\($0.range?.description ?? "")").inserted })
    }
}
