import TandemCore

extension Configuration {
    /// The local values' dependency graph (`local.a` refers to `local.b`).
    public var localGraph: DependencyGraph<String> {
        var graph = DependencyGraph<String>()
        for (name, local) in locals {
            graph.add(name)
            for reference in local.value.localReferences where locals[reference.name] != nil {
                graph.add(name, dependsOn: reference.name)
            }
        }
        return graph
    }

    /// Evaluates every local value in dependency order within `scope`, returning the map `local.NAME` reads.
    /// Locals on a cycle (reported by the graph check) are unknown.
    public func localValues(in scope: EvaluationScope, diagnostics: inout Diagnostics) -> Value {
        guard !locals.isEmpty else { return .map([:]) }
        var scope = scope
        var values: [String: Value] = [:]
        let graph = localGraph
        let ordered = graph.topologicalOrder()
        for name in ordered {
            scope.names["local"] = .map(values)
            guard let local = locals[name] else { continue }
            values[name] = Evaluator(scope: scope).evaluate(local.value, diagnostics: &diagnostics)
        }
        for name in locals.keys where values[name] == nil { values[name] = .unknown }
        return .map(values)
    }

    /// `scope` with `local` bound to the local values (evaluation errors are left to the caller's one reporting pass).
    public func withLocals(_ scope: EvaluationScope) -> EvaluationScope {
        var ignored = Diagnostics()
        var scope = scope
        scope.names["local"] = localValues(in: scope, diagnostics: &ignored)
        return scope
    }

    /// The resources `expression` depends on through the local values it reads (transitively).
    public func resourcesReachedThroughLocals(from expression: Expression) -> [ResourceAddress] {
        var result: [ResourceAddress] = []
        var visited: Set<String> = []
        var pending = expression.localReferences.map(\.name)
        while let name = pending.popLast() {
            guard visited.insert(name).inserted, let local = locals[name] else { continue }
            result += local.value.resourceReferences.map(\.address)
            pending += local.value.localReferences.map(\.name)
        }
        return result
    }
}
