/// A directed graph of nodes and their dependencies ("A depends on B").
public struct DependencyGraph<Node: Hashable & Sendable & Comparable>: Sendable {
    /// For every node, the nodes it depends on.
    public private(set) var dependencies: [Node: Set<Node>] = [:]

    /// An empty graph.
    public init() {}

    /// All nodes, sorted for deterministic output.
    public var nodes: [Node] { dependencies.keys.sorted() }

    /// Adds a node without edges (no effect if present).
    public mutating func add(_ node: Node) {
        if dependencies[node] == nil { dependencies[node] = [] }
    }

    /// Records that `dependent` depends on `dependency`; both nodes are added.
    public mutating func add(_ dependent: Node, dependsOn dependency: Node) {
        add(dependency)
        dependencies[dependent, default: []].insert(dependency)
    }

    /// Every node `node` depends on, directly or not.
    public func transitiveDependencies(of node: Node) -> Set<Node> {
        var seen: Set<Node> = []
        var stack = Array(dependencies[node] ?? [])
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack.append(contentsOf: dependencies[next] ?? []) }
        }
        return seen
    }

    /// The same graph with every edge reversed (used to destroy in reverse dependency order).
    public var reversed: DependencyGraph {
        var graph = DependencyGraph()
        for (node, deps) in dependencies {
            graph.add(node)
            for dep in deps { graph.add(dep, dependsOn: node) }
        }
        return graph
    }

    /// Every cycle's nodes in order (`a -> b -> a` as `[a, b]`); empty when the graph is acyclic.
    public func cycles() -> [[Node]] {
        // Tarjan's strongly connected components; a component with more than one node, or a self edge, is a cycle.
        var index = 0
        var indices: [Node: Int] = [:], lowlinks: [Node: Int] = [:]
        var stack: [Node] = [], onStack: Set<Node> = []
        var components: [[Node]] = []

        func connect(_ node: Node) {
            indices[node] = index; lowlinks[node] = index; index += 1
            stack.append(node); onStack.insert(node)
            for dep in (dependencies[node] ?? []).sorted() {
                if indices[dep] == nil {
                    connect(dep)
                    lowlinks[node] = min(lowlinks[node]!, lowlinks[dep]!)
                } else if onStack.contains(dep) {
                    lowlinks[node] = min(lowlinks[node]!, indices[dep]!)
                }
            }
            if lowlinks[node] == indices[node] {
                var component: [Node] = []
                while let top = stack.popLast() {
                    onStack.remove(top)
                    component.append(top)
                    if top == node { break }
                }
                if component.count > 1 || dependencies[node]?.contains(node) == true {
                    components.append(orderedCycle(component))
                }
            }
        }
        for node in nodes where indices[node] == nil { connect(node) }
        return components
    }

    /// Orders a strongly connected component as a walk along its edges, starting at its smallest node.
    private func orderedCycle(_ component: [Node]) -> [Node] {
        let members = Set(component)
        var walk = [component.min()!]
        var visited: Set<Node> = [walk[0]]
        while let last = walk.last,
              let next = (dependencies[last] ?? []).filter({ members.contains($0) && !visited.contains($0) }).min() {
            walk.append(next)
            visited.insert(next)
        }
        return walk.count == component.count ? walk : component.sorted()
    }

    /// Nodes in an order where every node comes after its dependencies: layer by layer (first everything with no
    /// dependencies, then everything that only depends on those, ...), each layer in sort order.
    /// Nodes on a cycle are left out.
    public func topologicalOrder() -> [Node] {
        var remaining = dependencies.mapValues { $0.count }
        let dependents = dependentsByNode
        var layer = remaining.filter { $0.value == 0 }.map(\.key).sorted()
        var order: [Node] = []
        order.reserveCapacity(dependencies.count)
        while !layer.isEmpty {
            order.append(contentsOf: layer)
            var next: [Node] = []
            for node in layer {
                for dependent in dependents[node] ?? [] {
                    remaining[dependent]! -= 1
                    if remaining[dependent] == 0 { next.append(dependent) }
                }
            }
            layer = next.sorted()
        }
        return order
    }

    /// For every node, the nodes that depend on it directly.
    var dependentsByNode: [Node: [Node]] {
        var result: [Node: [Node]] = [:]
        for (node, deps) in dependencies { for dep in deps { result[dep, default: []].append(node) } }
        return result
    }
}

/// What happened to a node during a walk.
public enum WalkOutcome: Sendable, Equatable {
    /// The visit ran and succeeded.
    case succeeded
    /// The visit ran and failed.
    case failed
    /// The visit did not run because a dependency failed.
    case skipped
}

extension DependencyGraph {
    /// Visits every node once its dependencies succeeded, at most `parallelism` at a time.
    ///
    /// A node whose visit returns false (or whose dependency did not succeed) makes its dependents skipped.
    /// Returns the outcome of every node; nodes on a cycle never start and are reported as skipped.
    public func walk(
        parallelism: Int,
        visit: @escaping @Sendable (Node) async -> Bool
    ) async -> [Node: WalkOutcome] {
        var outcomes: [Node: WalkOutcome] = [:]
        var remaining = dependencies.mapValues { $0.count }
        let dependents = dependentsByNode
        var ready = remaining.filter { $0.value == 0 }.map(\.key).sorted(by: >)
        var running = 0
        let limit = max(1, parallelism)

        /// Marks everything downstream of a node that did not succeed as skipped.
        func skipDependents(of node: Node) {
            var stack = dependents[node] ?? []
            while let next = stack.popLast() {
                guard outcomes[next] == nil else { continue }
                outcomes[next] = .skipped
                stack.append(contentsOf: dependents[next] ?? [])
            }
        }

        await withTaskGroup(of: (Node, Bool).self) { group in
            func startReady() {
                while running < limit, let node = ready.popLast() {
                    guard outcomes[node] == nil else { continue }
                    running += 1
                    group.addTask { (node, await visit(node)) }
                }
            }
            startReady()
            while let (node, ok) = await group.next() {
                running -= 1
                outcomes[node] = ok ? .succeeded : .failed
                if ok {
                    var unblocked: [Node] = []
                    for dependent in dependents[node] ?? [] {
                        remaining[dependent]! -= 1
                        if remaining[dependent] == 0, outcomes[dependent] == nil { unblocked.append(dependent) }
                    }
                    // `ready` pops from the end: newly unblocked nodes go next, in sort order.
                    ready.append(contentsOf: unblocked.sorted(by: >))
                } else {
                    skipDependents(of: node)
                }
                startReady()
            }
        }
        // Nodes that never became ready (a cycle) are reported as skipped rather than left out.
        for node in dependencies.keys where outcomes[node] == nil { outcomes[node] = .skipped }
        return outcomes
    }
}
