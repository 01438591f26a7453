import TandemCore
import TandemLanguage

/// Builds the resource dependency graph of a configuration and checks it statically.
public enum ConfigurationGraph {
    /// The graph of declared resources (edges from references and `depends_on`), with diagnostics for
    /// unknown resource types, undeclared providers, references to undeclared resources, and cycles.
    public static func build(_ configuration: Configuration, registry: ProviderRegistry) -> (DependencyGraph<ResourceAddress>, Diagnostics) {
        var diagnostics = Diagnostics()
        var graph = DependencyGraph<ResourceAddress>()
        let declared = Set(configuration.resources.map(\.address))
        let declaredNames = declared.map(\.description)

        let localNames = Array(configuration.locals.keys)
        func checkLocalReferences(_ expression: Expression, address: String?) {
            for reference in expression.localReferences where configuration.locals[reference.name] == nil {
                diagnostics.append(.error("Reference to undeclared local value \"\(reference.name)\"",
                                          detail: "No local value \"\(reference.name)\" is declared.\(Suggestions.didYouMean(reference.name, in: localNames))",
                                          range: reference.range, address: address))
            }
        }
        for local in configuration.locals.values.sorted(by: { $0.name < $1.name }) {
            checkLocalReferences(local.value, address: nil)
            for (dependency, range) in local.value.resourceReferences where !declared.contains(dependency) {
                diagnostics.append(.error("Reference to undeclared resource \"\(dependency)\"",
                                          detail: "No resource \(dependency) is declared.\(Suggestions.didYouMean(dependency.description, in: declaredNames))",
                                          range: range))
            }
        }
        for cycle in configuration.localGraph.cycles() {
            let names = (cycle + [cycle[0]]).map { "local.\($0)" }.joined(separator: " -> ")
            diagnostics.append(.error("Local value cycle: \(names)", detail: "These local values refer to each other, so none can be evaluated first.",
                                      range: configuration.locals[cycle[0]]?.range))
        }
        for resource in configuration.resources {
            graph.add(resource.address)
            checkLocalReferences(resource.body, address: resource.address.description)
            for dependency in configuration.resourcesReachedThroughLocals(from: resource.body) where declared.contains(dependency) {
                graph.add(resource.address, dependsOn: dependency)
            }
            if registry.schema(for: resource.address.type) == nil {
                diagnostics.append(.error("Unknown resource type \"\(resource.address.type)\"",
                                          detail: "No provider offers \"\(resource.address.type)\".\(Suggestions.didYouMean(resource.address.type, in: registry.resourceTypes))",
                                          range: resource.range, address: resource.address.description))
            }
            if resource.providerKey.contains("."), configuration.providers[resource.providerKey] == nil {
                diagnostics.append(.error("Provider configuration \"\(resource.providerKey)\" is not declared",
                                          detail: "Declared: \(configuration.providers.keys.sorted().joined(separator: ", ")).\(Suggestions.didYouMean(resource.providerKey, in: configuration.providers.keys))",
                                          range: resource.providerRange ?? resource.range, address: resource.address.description))
            }
            for (dependency, range) in resource.referencedResources + resource.explicitDependencies {
                guard declared.contains(dependency) else {
                    diagnostics.append(.error("Reference to undeclared resource \"\(dependency)\"",
                                              detail: "No resource \(dependency) is declared.\(Suggestions.didYouMean(dependency.description, in: declaredNames))",
                                              range: range, address: resource.address.description))
                    continue
                }
                graph.add(resource.address, dependsOn: dependency)
            }
        }
        for cycle in graph.cycles() {
            let names = (cycle + [cycle[0]]).map(\.description).joined(separator: " -> ")
            let first = configuration.resource(cycle[0])
            diagnostics.append(.error("Dependency cycle: \(names)",
                                      detail: "These resources refer to each other, so none can be created first. Break the cycle, e.g. with a separate policy resource.",
                                      range: first?.range, address: cycle[0].description))
        }
        return (graph, diagnostics)
    }
}
