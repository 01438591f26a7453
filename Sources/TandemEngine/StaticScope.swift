import TandemCore
import TandemLanguage

/// Scopes for evaluating a module instance's expressions.
enum StaticScope {
    /// The names every expression of `module` sees, whatever has been evaluated: its variables, `path.module` and
    /// `path.root`, the `count`/`each` of its call, and file access relative to its directory. Resources, data sources,
    /// locals and module outputs are absent.
    static func base(for module: ModuleInstance, rootDirectory: String, variables: [String: Value]) -> EvaluationScope {
        var scope = module.configuration.scope(variables: variables)
        scope.names["path"] = .map(["module": .string(module.configuration.directory), "root": .string(rootDirectory)])
        return scope
    }

    /// The root module's static scope: what provider blocks are evaluated in.
    static func root(_ configuration: Configuration, variables: [String: Value]) -> EvaluationScope {
        make(for: ModuleInstance(path: [], configuration: configuration, call: nil), rootDirectory: configuration.directory, variables: variables)
    }

    /// The scope `count` and `for_each` are evaluated in: variables and locals known before planning; resources,
    /// data sources and module outputs unknown.
    static func make(for module: ModuleInstance, rootDirectory: String, variables: [String: Value]) -> EvaluationScope {
        var scope = base(for: module, rootDirectory: rootDirectory, variables: variables)
        let configuration = module.configuration
        var data: [String: Value] = [:]
        for declaration in configuration.resources {
            switch declaration.address.mode {
            case .managed: scope.resources[declaration.address.localName] = .unknown
            case .data:
                var byName = data[declaration.address.type]?.mapValue ?? [:]
                byName[declaration.address.name] = .unknown
                data[declaration.address.type] = .map(byName)
            }
        }
        scope.names["data"] = .map(data)
        scope.names["module"] = .map(Dictionary(uniqueKeysWithValues: configuration.modules.map { ($0.name, Value.unknown) }))
        var locals: [String: Value] = Dictionary(uniqueKeysWithValues: configuration.locals.keys.map { ($0, Value.unknown) })
        var ignored = Diagnostics()
        for name in configuration.localGraph.topologicalOrder() {
            scope.names["local"] = .map(locals)
            guard let local = configuration.locals[name] else { continue }
            locals[name] = Evaluator(scope: scope).evaluate(local.value, diagnostics: &ignored)
        }
        scope.names["local"] = .map(locals)
        return scope
    }
}
