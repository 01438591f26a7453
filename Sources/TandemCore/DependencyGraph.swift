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

    /// Nodes in an order where every node comes after its dependencies (ties broken by sort order).
    /// Precondition: the graph is acyclic.
    public func topologicalOrder() -> [Node] {
        var remaining = dependencies.mapValues { $0.count }
        var dependentsByNode: [Node: [Node]] = [:]
        for (node, deps) in dependencies { for dep in deps { dependentsByNode[dep, default: []].append(node) } }
        var ready = remaining.filter { $0.value == 0 }.map(\.key).sorted()
        var order: [Node] = []
        while !ready.isEmpty {
            let node = ready.removeFirst()
            order.append(node)
            for dependent in dependentsByNode[node] ?? [] {
                remaining[dependent]! -= 1
                if remaining[dependent] == 0 {
                    ready.append(dependent)
                    ready.sort()
                }
            }
        }
        return order
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
        let waitingOn = dependencies
        var pending = Set(dependencies.keys)
        var running = 0
        let limit = max(1, parallelism)

        await withTaskGroup(of: (Node, Bool).self) { group in
            func startReady() {
                // Skip nodes whose dependency did not succeed, then start ready nodes up to the limit.
                var changed = true
                while changed {
                    changed = false
                    for node in pending.sorted() {
                        let deps = waitingOn[node] ?? []
                        if deps.contains(where: { outcomes[$0] != nil && outcomes[$0] != .succeeded }) {
                            outcomes[node] = .skipped
                            pending.remove(node)
                            changed = true
                        }
                    }
                }
                for node in pending.sorted() where running < limit {
                    let deps = waitingOn[node] ?? []
                    if deps.allSatisfy({ outcomes[$0] == .succeeded }) {
                        pending.remove(node)
                        running += 1
                        group.addTask { (node, await visit(node)) }
                    }
                }
            }
            startReady()
            while let (node, ok) = await group.next() {
                running -= 1
                outcomes[node] = ok ? .succeeded : .failed
                startReady()
            }
        }
        // Nodes that never became ready (a cycle) are reported as skipped rather than left out.
        for node in pending { outcomes[node] = .skipped }
        return outcomes
    }
}
