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
}
