import TandemCore
import TandemLanguage

/// Offline checks of a configuration: no credentials, no network, variables without a value treated as unknown.
public enum Validator {
    /// Every problem found: graph errors, unknown types, schema violations, bad references and expressions.
    public static func validate(_ configuration: Configuration, registry: ProviderRegistry) -> Diagnostics {
        var (graph, diagnostics) = ConfigurationGraph.build(configuration, registry: registry)
        var scope = configuration.scope(variables: configuration.variables.mapValues { $0.defaultValue ?? .unknown })
        diagnostics.append(contentsOf: VariableInputs.checkValidations(configuration.variables, values: scope.variables))
        for (key, declaration) in configuration.providers.sorted(by: { $0.key < $1.key }) {
            guard let provider = registry.providers[declaration.name] else {
                diagnostics.append(.error("Unknown provider \"\(declaration.name)\"",
                                          detail: "Known providers: \(registry.providers.keys.sorted().joined(separator: ", ")).\(Suggestions.didYouMean(declaration.name, in: registry.providers.keys))",
                                          range: declaration.range))
                continue
            }
            let value = Evaluator(scope: configuration.withLocals(configuration.scope(variables: scope.variables))).evaluate(declaration.body, diagnostics: &diagnostics)
            _ = SchemaConformance(subject: "provider \(key)")
                .conformBlock(value, expression: declaration.body, attributes: provider.configurationSchema.attributes, diagnostics: &diagnostics)
        }
        for resource in configuration.resources {
            guard let schema = registry.schema(for: resource.address.type) else { continue }
            scope.resources[resource.address.description] = ResourceEvaluation.unknownValue(schema)
        }
        let cyclic = !graph.cycles().isEmpty
        if cyclic { graph = DependencyGraph() }
        let order = cyclic ? configuration.resources.map(\.address) : graph.topologicalOrder()
        for address in order {
            guard let resource = configuration.resource(address), let schema = registry.schema(for: address.type) else { continue }
            _ = ResourceEvaluation.configuredValue(resource, schema: schema, scope: configuration.withLocals(scope), diagnostics: &diagnostics)
            diagnostics.append(contentsOf: ResourceEvaluation.checkIgnoredPaths(resource, schema: schema))
        }
        _ = configuration.localValues(in: scope, diagnostics: &diagnostics)
        let withLocals = configuration.withLocals(scope)
        for output in configuration.outputs {
            _ = Evaluator(scope: withLocals).evaluate(output.value, diagnostics: &diagnostics)
        }
        if !cyclic {
            diagnostics.append(contentsOf: Sensitivity(configuration, registry: registry, order: order).outputDiagnostics(configuration))
        }
        return deduplicated(diagnostics)
    }

    /// Reference errors are found both by the graph and by evaluation; report each once.
    private static func deduplicated(_ diagnostics: Diagnostics) -> Diagnostics {
        var seen: Set<String> = []
        return Diagnostics(diagnostics.items.filter { diagnostic in
            seen.insert("\(diagnostic.summary)|\(diagnostic.range?.description ?? "")").inserted
        })
    }
}
