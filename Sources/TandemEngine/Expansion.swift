import TandemCore
import TandemLanguage

/// A configuration with its modules instantiated and `count`/`for_each` expanded: every module instance and every
/// resource instance, with the keys each group has.
///
/// `count` and `for_each` are evaluated before anything else, from variables, locals and literals (resources, data
/// sources and module outputs read as unknown), so the set of instances is fixed when the plan starts.
public struct Expansion: Sendable {
    /// The root module's configuration.
    public var root: Configuration
    /// Every module instance by path (the root module at `[]`).
    public var modules: [ModulePath: ModuleInstance] = [:]
    /// Every resource and data source instance by address.
    public var instances: [ResourceAddress: ResourceInstance] = [:]
    /// The keys of every resource declaration and module call.
    public var groups: [InstanceGroup: GroupShape] = [:]
    /// Module instances' scopes before any resource exists: variables and locals, unknown where they depend on a
    /// resource, data source or module output.
    public var staticScopes: [ModulePath: EvaluationScope] = [:]

    /// Most instances one declaration may have, so a typo such as `count: 1e9` fails fast instead of exhausting memory.
    public static let maximumInstances = 100_000

    /// Expands `configuration` with root variable values `variables`. With `requireKnownRepetition` (plan and apply),
    /// a `count`/`for_each` that is unknown is an error; without it (validate), such a declaration gets one instance
    /// whose `count.index`/`each` are unknown, so its body is still checked.
    public static func expand(_ configuration: Configuration, variables: [String: Value],
                              requireKnownRepetition: Bool) -> (Expansion, Diagnostics) {
        var expansion = Expansion(root: configuration)
        var diagnostics = Diagnostics()
        expansion.instantiate(ModuleInstance(path: [], configuration: configuration, call: nil), variables: variables,
                              requireKnown: requireKnownRepetition, diagnostics: &diagnostics)
        return (expansion, diagnostics)
    }

    /// The instances of a resource declaration or module call, keyed, in order.
    public func shape(of group: InstanceGroup) -> GroupShape {
        groups[group] ?? GroupShape(kind: .single, keys: [])
    }

    /// The root provider key that provider key `key` of module `path` stands for; nil when the module was not passed one.
    public func rootProviderKey(_ key: String, in path: ModulePath) -> String? {
        guard !path.isEmpty, let module = modules[path] else { return key }
        if let passed = module.passedProviders[key] { return rootProviderKey(passed, in: module.parentPath) }
        // Default (unaliased) configurations are inherited; aliases must be passed explicitly.
        return key.contains(".") ? nil : rootProviderKey(key, in: module.parentPath)
    }

    private mutating func instantiate(_ module: ModuleInstance, variables: [String: Value], requireKnown: Bool,
                                      diagnostics: inout Diagnostics) {
        modules[module.path] = module
        let scope = StaticScope.make(for: module, rootDirectory: root.directory, variables: variables)
        staticScopes[module.path] = scope
        let reportOnce = isFirstInstance(module.path)
        for declaration in module.configuration.resources {
            let group = ResourceAddress(modulePath: module.path, mode: declaration.address.mode, type: declaration.address.type, name: declaration.address.name)
            let keyed = Self.instanceKeys(declaration.repetition, scope: scope, requireKnown: requireKnown, diagnostics: &diagnostics,
                                          subject: declaration.address.description)
            groups[.resource(group)] = keyed.shape
            let providerKey = rootProviderKey(declaration.providerKey, in: module.path)
            if providerKey == nil, reportOnce, let call = module.call {
                diagnostics.append(.error("Module \"\(call.name)\" was not passed provider \"\(declaration.providerKey)\"",
                                          detail: "\(declaration.address) uses \(declaration.providerKey); add providers: {\(declaration.providerKey): CALLER_KEY} to the module call.",
                                          range: declaration.providerRange ?? declaration.range))
            }
            instances.reserveCapacity(instances.count + keyed.instances.count)
            let shared = SharedDeclaration(declaration)
            for (key, names) in keyed.instances {
                var address = group
                address.key = key
                instances[address] = ResourceInstance(address: address, declaration: shared, repetitionNames: names,
                                                      providerKey: providerKey ?? declaration.providerKey)
            }
        }
        for call in module.configuration.modules {
            guard let child = call.configuration else { continue }
            let keyed = Self.instanceKeys(call.repetition, scope: scope, requireKnown: requireKnown, diagnostics: &diagnostics,
                                          subject: "module.\(call.name)")
            groups[.module(parent: module.path, name: call.name)] = keyed.shape
            if reportOnce { diagnostics.append(contentsOf: Self.checkInputs(of: call, module: child)) }
            for (key, names) in keyed.instances {
                var callScope = scope
                callScope.names.merge(names) { $1 }
                var childVariables: [String: Value] = [:]
                var ignored = Diagnostics()
                for (name, variable) in child.variables {
                    if let input = call.inputs.first(where: { $0.key == name }) {
                        childVariables[name] = Evaluator(scope: callScope).evaluate(input.value, diagnostics: &ignored)
                    } else {
                        childVariables[name] = variable.defaultValue ?? .unknown
                    }
                }
                var passed: [String: String] = [:]
                for mapping in call.providers { passed[mapping.child] = mapping.parent }
                instantiate(ModuleInstance(path: module.path + [ModuleStep(call.name, key: key)], configuration: child, call: call,
                                           repetitionNames: names, passedProviders: passed),
                            variables: childVariables, requireKnown: requireKnown, diagnostics: &diagnostics)
            }
        }
    }

    /// Declarations are the same in every instance of a module; their problems are reported for the first one only.
    func isFirstInstance(_ path: ModulePath) -> Bool {
        for depth in path.indices {
            let parent = Array(path[..<depth])
            let first = shape(of: .module(parent: parent, name: path[depth].name)).keys.first ?? nil
            if first != path[depth].key { return false }
        }
        return true
    }

    /// Unknown inputs and missing required inputs of a module call.
    private static func checkInputs(of call: ModuleCall, module: Configuration) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let declared = module.variables.keys.sorted()
        for input in call.inputs where module.variables[input.key] == nil {
            result.append(.error("Module \"\(call.name)\" has no variable \"\(input.key)\"",
                                 detail: "Its variables are \(declared.isEmpty ? "none" : declared.joined(separator: ", ")).\(Suggestions.didYouMean(input.key, in: declared))",
                                 range: input.keyRange))
        }
        for (name, variable) in module.variables.sorted(by: { $0.key < $1.key })
        where variable.defaultValue == nil && !call.inputs.contains(where: { $0.key == name }) {
            result.append(.error("Missing input \"\(name)\" for module \"\(call.name)\"",
                                 detail: "The module requires variable \"\(name)\"\(variable.description.map { " (\($0))" } ?? ""); add it under inputs.",
                                 range: call.range))
        }
        return result
    }

    /// The instances of a declaration: its keys and the `count`/`each` value each instance sees. Problems are reported
    /// for every module instance (the values differ between instances; identical reports are merged later).
    /// Messages never quote a key or a count: the value may be sensitive, which is only known later.
    private static func instanceKeys(_ repetition: Repetition?, scope: EvaluationScope, requireKnown: Bool, diagnostics: inout Diagnostics,
                                     subject: String) -> (shape: GroupShape, instances: [(InstanceKey?, [String: Value])]) {
        guard let repetition else { return (GroupShape(kind: .single, keys: [nil]), [(nil, [:])]) }
        var local = Diagnostics()
        let value = Evaluator(scope: scope).evaluate(repetition.expression, diagnostics: &local)
        var problems = local.errors
        var result: [(InstanceKey?, [String: Value])] = []
        let range = repetition.expression.range
        defer { diagnostics.append(contentsOf: problems) }
        // Resources, data sources and module outputs are never known before planning, whatever validate assumes.
        let readsLateValues = repetition.expression.traversals.contains { !["var", "local", "each", "count", "path"].contains($0.root) }
        if value.containsUnknown, local.isEmpty {
            if requireKnown || readsLateValues {
                problems.append(.error("\(repetition.name) of \(subject) is not known until apply",
                                       detail: "count and for_each decide which instances exist, so they must be known when planning: build them from variables, locals and literals, not from resource attributes, data sources or module outputs.",
                                       range: range))
                return (GroupShape(kind: repetition.isCount ? .list : .map, keys: []), [])
            }
            let placeholder: (InstanceKey?, [String: Value]) = repetition.isCount
                ? (.index(0), ["count": .map(["index": .unknown])])
                : (.key("*"), ["each": .map(["key": .unknown, "value": .unknown])])
            return (GroupShape(kind: repetition.isCount ? .list : .map, keys: [placeholder.0], keysKnown: false), [placeholder])
        }
        switch (repetition, value) {
        case (.count, _):
            guard let count = value.intValue, count >= 0 else {
                problems.append(.error("Invalid count", detail: "count must be a whole number of at least 0, got \(value.typeName == "number" ? "a negative or fractional number" : "a \(value.typeName)").", range: range))
                break
            }
            guard count <= maximumInstances else {
                problems.append(.error("count is too large", detail: "\(count) instances requested; at most \(maximumInstances) are allowed per declaration.", range: range))
                break
            }
            result = (0..<count).map { (.index($0), ["count": .map(["index": .number(Double($0))])]) }
        case (.forEach, .map(let entries)):
            guard entries.count <= maximumInstances else {
                problems.append(.error("for_each has too many keys", detail: "At most \(maximumInstances) instances are allowed per declaration.", range: range))
                break
            }
            result = entries.keys.sorted().map { key in (.key(key), ["each": .map(["key": .string(key), "value": entries[key]!])]) }
        case (.forEach, .list(let items)):
            var seen: Set<String> = []
            for item in items {
                guard let key = item.stringValue else {
                    problems.append(.error("for_each over a list needs strings", detail: "Got a \(item.typeName) element; use a map to key other values.", range: range))
                    result = []
                    break
                }
                guard seen.insert(key).inserted else {
                    problems.append(.error("Duplicate for_each key", detail: "The list holds the same string twice; every instance needs its own key: use distinct() or toset().", range: range))
                    continue
                }
                let name = Value.string(key)
                result.append((.key(key), ["each": .map(["key": name, "value": name])]))
            }
            result.sort { ($0.0 ?? .index(0)) < ($1.0 ?? .index(0)) }
            if result.count > maximumInstances {
                problems.append(.error("for_each has too many keys", detail: "At most \(maximumInstances) instances are allowed per declaration.", range: range))
                result = []
            }
        case (.forEach, _):
            if !local.hasErrors {
                problems.append(.error("Invalid for_each", detail: "for_each takes a map or a set (list) of strings, got \(value.typeName).", range: range))
            }
        }
        return (GroupShape(kind: repetition.isCount ? .list : .map, keys: result.map(\.0)), result)
    }
}

extension Repetition {
    /// `count` or `for_each`, as written.
    var name: String { isCount ? "count" : "for_each" }

    /// True for `count`.
    var isCount: Bool {
        if case .count = self { return true }
        return false
    }
}
