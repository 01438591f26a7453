import TandemCore
import TandemLanguage

/// Offline checks of a configuration: no credentials, no network, variables without a value treated as unknown.
public enum Validator {
    /// Every problem found: graph errors, unknown types, schema violations, bad references and expressions, in the
    /// root module and every module it calls. `variables` are the values given (`--var`, `--var-file`,
    /// `TANDEM_VAR_*`, else defaults; unknown when none); nil: defaults only.
    public static func validate(_ configuration: Configuration, registry: ProviderRegistry, variables given: [String: Value]? = nil) -> Diagnostics {
        var diagnostics = Diagnostics()
        let variables = given ?? configuration.variables.mapValues { $0.defaultValue ?? .unknown }
        diagnostics.append(contentsOf: VariableInputs.checkValidations(configuration.variables, values: variables))
        let (expansion, expansionDiagnostics) = Expansion.expand(configuration, variables: variables, requireKnownRepetition: false)
        diagnostics.append(contentsOf: expansionDiagnostics)
        let (graph, graphDiagnostics) = ConfigurationGraph.build(expansion, registry: registry)
        diagnostics.append(contentsOf: graphDiagnostics)
        let providerScope = StaticScope.root(configuration, variables: variables)
        var providerBlocks: [String: Value] = [:]
        for (key, declaration) in configuration.providers.sorted(by: { $0.key < $1.key }) {
            guard let provider = registry.providers[declaration.name] else {
                diagnostics.append(.error("Unknown provider \"\(declaration.name)\"",
                                          detail: "Known providers: \(registry.providers.keys.sorted().joined(separator: ", ")).\(Suggestions.didYouMean(declaration.name, in: registry.providers.keys))",
                                          range: declaration.range))
                continue
            }
            let value = Evaluator(scope: providerScope).evaluate(declaration.body, diagnostics: &diagnostics)
            providerBlocks[key] = SchemaConformance(subject: "provider \(key)")
                .conformBlock(value, expression: declaration.body, attributes: provider.configurationSchema.attributes, diagnostics: &diagnostics)
        }
        var planned: [String: [PlannedResource]] = [:]
        // A reference the graph reported as undeclared would fail again when evaluated: report it once.
        let reported = Set(graphDiagnostics.errors.compactMap(\.range))
        var evaluation = Diagnostics()
        var evaluator = NodeEvaluator(graph: graph, registry: registry, variables: variables)
        for node in graph.order {
            guard case .resource(let address) = node else {
                evaluator.evaluate(node, diagnostics: &evaluation)
                continue
            }
            guard let instance = expansion.instances[address], let schema = registry.schema(for: address) else { continue }
            let configured = evaluator.configuredValue(instance, schema: schema, diagnostics: &evaluation)
            // The service's documented rules, on what is known without variables' values (unknown parts are skipped).
            if address.mode == .managed {
                planned[instance.providerKey, default: []].append(PlannedResource(address: address, value: configured))
                for problem in registry.providers[address.providerName]?.validate(type: address.type, configuration: configured) ?? [] {
                    diagnostics.append(contentsOf: EngineErrors.diagnostics(for: problem, address: address, operation: "validation",
                                                                            declaration: instance.declaration))
                }
            }
            diagnostics.append(contentsOf: ResourceEvaluation.checkIgnoredPaths(instance.declaration, schema: schema))
            evaluator.record(node, ResourceEvaluation.unknownValue(schema))
        }
        diagnostics.append(contentsOf: evaluation.items.filter { $0.range.map { !reported.contains($0) } ?? true })
        for (key, resources) in planned.sorted(by: { $0.key < $1.key }) {
            guard let provider = resources.first.flatMap({ registry.providers[$0.address.providerName] }) else { continue }
            for problem in provider.validate(resources: resources, providerConfiguration: providerBlocks[key] ?? .map([:])) {
                diagnostics.append(contentsOf: EngineErrors.diagnostics(for: problem.error, address: problem.address, operation: "validation",
                                                                        declaration: expansion.instances[problem.address]?.declaration))
            }
        }
        if !graph.hasCycles {
            diagnostics.append(contentsOf: Sensitivity(graph, registry: registry).diagnostics)
        }
        return diagnostics.inSourceOrder
    }
}
