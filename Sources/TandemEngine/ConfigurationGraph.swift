import TandemCore
import TandemLanguage

/// The evaluation graph of an expanded configuration: one node per resource instance, module input, local value and
/// output, with an edge for every reference and `depends_on`.
///
/// Nodes are numbered in their sort order (`EvaluationNodeOrder`), so ordering them compares integers, not addresses.
public struct ConfigurationGraph: Sendable {
    /// The expanded configuration the graph was built from.
    public let expansion: Expansion
    /// Every node, in sort order; a node's number is its index here.
    private var nodes: [EvaluationNode]
    /// Each node's number.
    private var numbers: [EvaluationNode: Int]
    /// How many nodes `EvaluationNodeOrder` listed (in sort order); any after them were found only as dependencies.
    private var listedCount: Int
    /// For every node number, the numbers of the nodes it depends on directly.
    private var dependencies: [Set<Int>]
    /// Resource declarations and module calls each node reads as a value (the evaluator assembles these).
    public private(set) var groupsRead: [EvaluationNode: Set<InstanceGroup>] = [:]
    /// Every group some node reads (only these need their instances' values kept).
    public private(set) var groupsReadByAnyNode: Set<InstanceGroup> = []
    /// Every node after what it depends on (nodes on a cycle are left out).
    public private(set) var order: [EvaluationNode] = []
    /// The number of each node of `order`.
    private var orderNumbers: [Int] = []
    /// For every node number, its position in `order` (nil for a node on a cycle).
    private var positions: [Int?] = []
    /// Resource instances reached through each non-resource node (locals, module inputs and outputs), by node number.
    private var resourcesThrough: [Int: Set<ResourceAddress>] = [:]
    /// True when some nodes depend on each other in a loop (reported as errors; those nodes are not in `order`).
    public var hasCycles: Bool { order.count != nodes.count }

    private init(expansion: Expansion, nodes: [EvaluationNode]) {
        self.expansion = expansion
        self.nodes = nodes
        numbers = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
        listedCount = nodes.count
        dependencies = Array(repeating: [], count: nodes.count)
    }

    /// Builds the graph, reporting undeclared references, unknown types and providers, and cycles.
    public static func build(_ expansion: Expansion, registry: ProviderRegistry) -> (ConfigurationGraph, Diagnostics) {
        var result = ConfigurationGraph(expansion: expansion, nodes: EvaluationNodeOrder.nodes(of: expansion))
        var diagnostics = Diagnostics()
        let resolver = ReferenceResolver(expansion: expansion)

        func connect(_ node: EvaluationNode, _ expression: Expression?, _ context: ReferenceContext, number known: Int? = nil) {
            let number = known ?? result.number(of: node)
            guard let expression else { return }
            for reference in resolver.resolve(expression, in: context, diagnostics: &diagnostics) {
                for target in reference.nodes { result.add(number, dependsOn: target) }
                if !reference.groups.isEmpty {
                    result.groupsRead[node, default: []].formUnion(reference.groups)
                    result.groupsReadByAnyNode.formUnion(reference.groups)
                }
            }
        }

        for module in expansion.modules.values.sorted(by: { $0.path.lexicographicallyPrecedes($1.path) }) {
            let configuration = module.configuration
            let plain = ReferenceContext(module: module, names: [:])
            if let call = module.call, let parent = expansion.modules[module.parentPath] {
                let callerContext = ReferenceContext(module: parent, names: module.repetitionNames, subject: .moduleCall(call.name))
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
        // In sort order, as the nodes are listed: diagnostics come out in address order.
        for (number, node) in result.nodes.enumerated() {
            guard case .resource(let address) = node, let instance = expansion.instances[address] else { continue }
            guard let module = expansion.modules[instance.address.modulePath] else { continue }
            let context = ReferenceContext(module: module, names: instance.repetitionNames, subject: .resource(instance.address))
            connect(node, instance.declaration.body, context, number: number)
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
                    result.add(number, dependsOn: .resource(target))
                }
            }
            if registry.schema(for: instance.address) == nil {
                let types = instance.address.mode == .data ? registry.dataSourceTypes : registry.resourceTypes
                diagnostics.append(.error("Unknown \(instance.address.mode == .data ? "data source" : "resource") type \"\(instance.address.type)\"",
                                          detail: "No provider offers \"\(instance.address.type)\".\(Suggestions.didYouMean(instance.address.type, in: types))",
                                          range: instance.declaration.range, address: instance.declaration.address.description))
            }
            if module.path.isEmpty, instance.providerKey.utf8.contains(UInt8(ascii: ".")), expansion.root.providers[instance.providerKey] == nil {
                diagnostics.append(undeclaredProvider(instance.providerKey, in: expansion.root,
                                                      range: instance.declaration.providerRange ?? instance.declaration.range))
            }
        }
        result.sortNodesAddedLate()
        let order = result.topologicalOrder()
        result.order = order.map { result.nodes[$0] }
        result.orderNumbers = order
        result.positions = Array(repeating: nil, count: result.nodes.count)
        for (position, number) in order.enumerated() { result.positions[number] = position }
        // Only a graph whose order leaves nodes out has cycles; finding them is the expensive part, so only then.
        let cycles = result.hasCycles ? result.dependencyGraph.cycles() : []
        for cycle in cycles {
            let names = (cycle + [cycle[0]]).map(\.description).joined(separator: " -> ")
            let locals = cycle.allSatisfy { if case .local = $0 { return true }; return false }
            diagnostics.append(.error(locals ? "Local value cycle: \(names)" : "Dependency cycle: \(names)",
                                      detail: locals ? "These local values refer to each other, so none can be evaluated first."
                                          : "These refer to each other, so none can be created first. Break the cycle, e.g. with a separate policy resource.",
                                      range: result.range(of: cycle[0]), address: cycle[0].resourceAddress?.description))
        }
        for number in order where result.nodes[number].resourceAddress == nil {
            var reached: Set<ResourceAddress> = []
            for dependency in result.dependencies[number] {
                if let address = result.nodes[dependency].resourceAddress { reached.insert(address) } else { reached.formUnion(result.resourcesThrough[dependency] ?? []) }
            }
            result.resourcesThrough[number] = reached
        }
        return (result, diagnostics.deduplicated)
    }

    /// The number of `node`; a node `EvaluationNodeOrder` did not list is added at the end (and sorted in later).
    private mutating func number(of node: EvaluationNode) -> Int {
        if let number = numbers[node] { return number }
        nodes.append(node)
        numbers[node] = nodes.count - 1
        dependencies.append([])
        return nodes.count - 1
    }

    private mutating func add(_ dependent: Int, dependsOn dependency: EvaluationNode) {
        let number = number(of: dependency)
        dependencies[dependent].insert(number)
    }

    /// Renumbers the nodes in sort order if some were added after the listed ones.
    private mutating func sortNodesAddedLate() {
        guard nodes.count > listedCount else { return }
        let sorted = nodes.indices.sorted { nodes[$0] < nodes[$1] }
        var renumbered = Array(repeating: 0, count: nodes.count)
        for (new, old) in sorted.enumerated() { renumbered[old] = new }
        nodes = sorted.map { nodes[$0] }
        dependencies = sorted.map { Set(dependencies[$0].map { renumbered[$0] }) }
        numbers = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0) })
        listedCount = nodes.count
    }

    /// Node numbers in an order where every node comes after its dependencies: layer by layer (first everything with
    /// no dependencies, then everything that only depends on those, ...), each layer in sort order. Nodes on a cycle
    /// are left out.
    private func topologicalOrder() -> [Int] {
        var remaining = dependencies.map(\.count)
        var dependents = Array(repeating: [Int](), count: nodes.count)
        for (node, nodeDependencies) in dependencies.enumerated() {
            for dependency in nodeDependencies { dependents[dependency].append(node) }
        }
        var layer = remaining.indices.filter { remaining[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while !layer.isEmpty {
            order.append(contentsOf: layer)
            var next: [Int] = []
            for node in layer {
                for dependent in dependents[node] {
                    remaining[dependent] -= 1
                    if remaining[dependent] == 0 { next.append(dependent) }
                }
            }
            layer = next.sorted()
        }
        return order
    }

    /// The graph with nodes as values, to find its cycles.
    private var dependencyGraph: DependencyGraph<EvaluationNode> {
        var graph = DependencyGraph<EvaluationNode>()
        for (number, node) in nodes.enumerated() {
            graph.add(node)
            for dependency in dependencies[number] { graph.add(node, dependsOn: nodes[dependency]) }
        }
        return graph
    }

    /// `node` and what must be evaluated to evaluate it, in evaluation order: the locals, module inputs and outputs
    /// it reads (directly or through each other) and the resources they reach. A resource's own dependencies are not
    /// included: its value is taken as recorded.
    public func evaluationOrder(upTo node: EvaluationNode) -> [EvaluationNode] {
        guard let start = numbers[node] else { return [node] }
        var needed: Set<Int> = [start]
        var pending = Array(dependencies[start])
        while let next = pending.popLast() {
            guard needed.insert(next).inserted, nodes[next].resourceAddress == nil else { continue }
            pending.append(contentsOf: dependencies[next])
        }
        return needed.sorted { (positions[$0] ?? 0) < (positions[$1] ?? 0) }.map { nodes[$0] }
    }

    /// The resource instances `address` depends on, directly or through locals, module inputs and outputs.
    public func resourceDependencies(of address: ResourceAddress) -> [ResourceAddress] {
        numbers[.resource(address)].map(resourceDependencies(ofNumber:)) ?? []
    }

    /// The resource instances the node at `position` of `order` depends on (without looking the node up).
    public func resourceDependencies(ofNodeAt position: Int) -> [ResourceAddress] {
        resourceDependencies(ofNumber: orderNumbers[position])
    }

    private func resourceDependencies(ofNumber number: Int) -> [ResourceAddress] {
        guard !dependencies[number].isEmpty else { return [] }
        var result: Set<ResourceAddress> = []
        for dependency in dependencies[number] {
            if let target = nodes[dependency].resourceAddress { result.insert(target) } else { result.formUnion(resourcesThrough[dependency] ?? []) }
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
