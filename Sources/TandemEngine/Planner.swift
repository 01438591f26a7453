import Crypto
import Foundation
import TandemCore
import TandemLanguage
import TandemState

/// What to plan.
public struct PlanRequest: Sendable {
    /// The loaded configuration.
    public var configuration: Configuration
    /// Resolved variable values.
    public var variables: [String: Value]
    /// The current state, nil when none exists yet.
    public var state: StateFile?
    /// Normal, destroy or refresh-only.
    public var mode: PlanMode
    /// Limit the plan to these resources and what they depend on (or, when destroying, what depends on them).
    public var targets: [ResourceAddress]
    /// Read live objects before diffing (on by default).
    public var refresh: Bool
    /// How many resources to refresh at once.
    public var parallelism: Int

    /// Creates a request.
    public init(configuration: Configuration, variables: [String: Value], state: StateFile?, mode: PlanMode = .normal,
                targets: [ResourceAddress] = [], refresh: Bool = true, parallelism: Int = 10) {
        self.configuration = configuration
        self.variables = variables
        self.state = state
        self.mode = mode
        self.targets = targets
        self.refresh = refresh
        self.parallelism = parallelism
    }
}

/// Refreshes state and diffs it against configuration, producing a `Plan`.
public struct Planner: Sendable {
    /// The available providers.
    public let registry: ProviderRegistry
    /// Configured provider instances for this run.
    public let sessions: ProviderSessions

    /// Creates a planner.
    public init(registry: ProviderRegistry, sessions: ProviderSessions) {
        self.registry = registry
        self.sessions = sessions
    }

    /// Plans; throws `Diagnostics` when configuration or providers report errors.
    public func plan(_ request: PlanRequest) async throws -> Plan {
        var diagnostics = Diagnostics()
        let configuration = request.configuration
        let (graph, graphDiagnostics) = ConfigurationGraph.build(configuration, registry: registry)
        diagnostics.append(contentsOf: graphDiagnostics)
        let declared = Set(configuration.resources.map(\.address))
        for target in request.targets where !declared.contains(target) && request.state?.resource(target) == nil {
            diagnostics.append(.error("Target \"\(target)\" matches no resource",
                                      detail: "\(Suggestions.didYouMean(target.description, in: declared.map(\.description)))".trimmingCharacters(in: .whitespaces)))
        }
        try diagnostics.throwIfErrors()

        let order = graph.topologicalOrder()
        let sensitivity = Sensitivity(configuration, registry: registry, order: order)
        diagnostics.append(contentsOf: sensitivity.outputDiagnostics(configuration))
        try diagnostics.throwIfErrors()

        let prior = request.state ?? StateFile()
        var uses: [(key: String, range: SourceRange?)] = []
        if request.mode != .destroy {
            uses += configuration.resources.map { ($0.providerKey, $0.providerRange ?? $0.range) }
        }
        uses += prior.resources.map { ($0.provider, nil) }
        try await sessions.configureAll(uses).throwIfErrors()
        let (refreshed, unmaskedDrift) = try await refresh(prior, enabled: request.refresh, parallelism: request.parallelism)
        let drift = unmaskedDrift.map { record in
            Self.markSensitive(record, paths: (sensitivity.paths[record.address] ?? []).union(prior.resource(record.address)?.sensitiveAttributes ?? []))
        }

        var changes: [ResourceChange] = []
        var scope = configuration.scope(variables: request.variables)
        if request.mode == .normal || request.mode == .refreshOnly {
            for resource in configuration.resources {
                guard let schema = registry.schema(for: resource.address.type) else { continue }
                scope.resources[resource.address.description] = ResourceEvaluation.unknownValue(schema)
            }
            for address in order {
                guard let resource = configuration.resource(address), let schema = registry.schema(for: address.type) else { continue }
                let before = refreshed[address]
                diagnostics.append(contentsOf: ResourceEvaluation.checkIgnoredPaths(resource, schema: schema))
                let configured = ResourceEvaluation.ignoringChanges(
                    ResourceEvaluation.configuredValue(resource, schema: schema, scope: configuration.withLocals(scope), diagnostics: &diagnostics),
                    prior: before, lifecycle: resource.lifecycle, schema: schema)
                let defaults = try await sessions.provider(resource.providerKey).defaults(type: address.type)
                let (action, proposed, attributeChanges) = ResourceEvaluation.plannedChange(config: configured, prior: before, schema: schema, defaults: defaults)
                if action == .replace, let guarded = resource.lifecycle.preventDestroy {
                    diagnostics.append(Self.preventedDestroy(address, range: guarded, because: "a change to \(attributeChanges.filter(\.forcesReplacement).map(\.path).joined(separator: ", ")) forces replacement"))
                }
                scope.resources[address.description] = action == .noop ? (before ?? proposed) : proposed
                let sensitivePaths = (sensitivity.paths[address] ?? []).union(prior.resource(address)?.sensitiveAttributes ?? [])
                changes.append(ResourceChange(
                    address: address, provider: resource.providerKey, action: action, before: before,
                    after: PlannedValue(proposed), attributeChanges: Self.markSensitive(attributeChanges, paths: sensitivePaths),
                    dependencies: (graph.dependencies[address] ?? []).sorted(),
                    notes: registry.providers[address.providerName]?.notes(type: address.type, action: action, before: before, after: proposed) ?? [],
                    sensitiveAttributes: sensitivePaths.sorted()))
            }
        }
        // Local values are evaluated with each resource; their own errors are reported once, here.
        _ = configuration.localValues(in: scope, diagnostics: &diagnostics)
        try diagnostics.throwIfErrors()

        // Objects in the state but not in the configuration (or everything, when destroying) are deleted.
        for resource in prior.resources where request.mode == .destroy || (request.mode == .normal && !declared.contains(resource.address)) {
            guard let before = refreshed[resource.address] else { continue }
            let schema = registry.schema(for: resource.address.type)
            let sensitivePaths = (schema?.sensitivePaths ?? []).union(resource.sensitiveAttributes)
            changes.append(ResourceChange(
                address: resource.address, provider: resource.provider, action: .delete, before: before, after: nil,
                attributeChanges: Self.markSensitive(AttributeDiff.changes(before: before, after: nil, attributes: schema?.attributes ?? [:]), paths: sensitivePaths),
                dependencies: resource.dependencies, sensitiveAttributes: sensitivePaths.sorted()))
        }
        let scopeOfTargets = Self.targetScope(request.targets, mode: request.mode, graph: graph, state: prior)
        if let scopeOfTargets { changes = changes.filter { scopeOfTargets.contains($0.address) } }
        for change in changes where change.action == .delete {
            if let guarded = configuration.resource(change.address)?.lifecycle.preventDestroy {
                diagnostics.append(Self.preventedDestroy(change.address, range: guarded, because: "this plan deletes it"))
            }
        }
        // A refresh-only plan only accepts live values: it carries the drift, no resource changes.
        if request.mode == .refreshOnly { changes = [] }
        let reportedDrift = scopeOfTargets.map { kept in drift.filter { kept.contains($0.address) } } ?? drift

        let outputChanges = request.mode == .refreshOnly || !request.targets.isEmpty
            ? []
            : outputs(configuration, scope: scope, prior: prior, destroying: request.mode == .destroy, diagnostics: &diagnostics)
        try diagnostics.throwIfErrors()

        return Plan(
            mode: request.mode,
            stamp: PlanStamp(lineage: request.state?.lineage, serial: request.state?.serial,
                             configurationDigest: Self.digest(of: configuration)),
            variables: request.variables,
            sensitiveVariables: configuration.variables.values.filter(\.sensitive).map(\.name).sorted(),
            targets: request.targets,
            drift: reportedDrift,
            resourceChanges: changes.sorted { $0.address < $1.address },
            outputChanges: outputChanges,
            refreshedState: Dictionary(uniqueKeysWithValues: refreshed.map { ($0.key.description, $0.value) }),
            warnings: diagnostics.warnings)
    }

    private static func preventedDestroy(_ address: ResourceAddress, range: SourceRange, because reason: String) -> Diagnostic {
        .error("\(address) cannot be destroyed", detail: "lifecycle.prevent_destroy is set, but \(reason). Remove prevent_destroy first if this is intended.",
               range: range, address: address.description)
    }

    private static func markSensitive(_ changes: [AttributeChange], paths: Set<String>) -> [AttributeChange] {
        changes.map { change in
            var change = change
            change.sensitive = change.sensitive || paths.contains { Sensitivity.path($0, covers: change.path) }
            return change
        }
    }

    private static func markSensitive(_ drift: ResourceDrift, paths: Set<String>) -> ResourceDrift {
        var drift = drift
        drift.attributeChanges = markSensitive(drift.attributeChanges, paths: paths)
        return drift
    }

    /// Reads every managed resource; returns live attributes (absent when deleted outside Tandem) and drift.
    private func refresh(_ state: StateFile, enabled: Bool, parallelism: Int) async throws -> ([ResourceAddress: Value], [ResourceDrift]) {
        guard enabled else {
            return (Dictionary(uniqueKeysWithValues: state.resources.map { ($0.address, $0.attributes) }), [])
        }
        let registry = self.registry
        let sessions = self.sessions
        var results: [ResourceAddress: Result<Value?, Error>] = [:]
        try await withThrowingTaskGroup(of: (ResourceAddress, Result<Value?, Error>).self) { group in
            var pending = state.resources[...]
            func startNext() {
                guard let resource = pending.popFirst() else { return }
                group.addTask {
                    do {
                        let provider = try await sessions.provider(resource.provider)
                        return (resource.address, .success(try await provider.read(type: resource.address.type, current: resource.attributes)))
                    } catch {
                        return (resource.address, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, parallelism) { startNext() }
            while let (address, result) = try await group.next() {
                results[address] = result
                startNext()
            }
        }
        var refreshed: [ResourceAddress: Value] = [:]
        var drift: [ResourceDrift] = []
        var diagnostics = Diagnostics()
        for resource in state.resources {
            switch results[resource.address] {
            case .success(let value?):
                refreshed[resource.address] = value
                let schema = registry.schema(for: resource.address.type)
                let changes = AttributeDiff.changes(before: resource.attributes, after: value, attributes: schema?.attributes ?? [:])
                if !changes.isEmpty { drift.append(ResourceDrift(address: resource.address, kind: .changed, attributeChanges: changes)) }
            case .success(nil):
                drift.append(ResourceDrift(address: resource.address, kind: .deleted, attributeChanges: []))
            case .failure(let error):
                diagnostics.append(contentsOf: EngineErrors.diagnostics(for: error, address: resource.address, operation: "refresh"))
            case nil:
                break
            }
        }
        try diagnostics.throwIfErrors()
        return (refreshed, drift)
    }

    /// The resources a targeted plan covers: the targets and what they depend on, or, when destroying, the targets
    /// and everything that depends on them (directly or not). Nil when there are no targets.
    private static func targetScope(_ targets: [ResourceAddress], mode: PlanMode,
                                    graph: DependencyGraph<ResourceAddress>, state: StateFile) -> Set<ResourceAddress>? {
        guard !targets.isEmpty else { return nil }
        var keep = Set(targets)
        if mode == .destroy {
            var recorded = DependencyGraph<ResourceAddress>()
            for resource in state.resources {
                recorded.add(resource.address)
                for dependency in resource.dependencies { recorded.add(resource.address, dependsOn: dependency) }
            }
            let dependents = recorded.reversed
            for target in targets { keep.formUnion(dependents.transitiveDependencies(of: target)) }
        } else {
            for target in targets { keep.formUnion(graph.transitiveDependencies(of: target)) }
        }
        return keep
    }

    private func outputs(_ configuration: Configuration, scope: EvaluationScope, prior: StateFile, destroying: Bool,
                         diagnostics: inout Diagnostics) -> [OutputChange] {
        var changes: [OutputChange] = []
        let declared = Set(configuration.outputs.map(\.name))
        if !destroying {
            let scope = configuration.withLocals(scope)
            for output in configuration.outputs {
                let value = Evaluator(scope: scope).evaluate(output.value, diagnostics: &diagnostics)
                let before = prior.outputs[output.name]
                let action: ChangeAction = before == nil ? .create
                    : (before?.value == value && before?.sensitive == output.sensitive ? .noop : .update)
                changes.append(OutputChange(name: output.name, action: action, before: before?.value, after: PlannedValue(value),
                                            sensitive: output.sensitive || before?.sensitive == true))
            }
        }
        for (name, output) in prior.outputs where destroying || !declared.contains(name) {
            changes.append(OutputChange(name: name, action: .delete, before: output.value, after: nil, sensitive: output.sensitive))
        }
        return changes.sorted { $0.name < $1.name }
    }

    /// SHA-256 over every configuration file's name (relative to the configuration directory) and content, in name
    /// order, so `--dir cfg` and `--dir ./cfg` give the same digest.
    public static func digest(of configuration: Configuration) -> String {
        var hasher = SHA256()
        let prefix = configuration.directory.hasSuffix("/") ? configuration.directory : configuration.directory + "/"
        let files = configuration.sources.map { path, text in
            (path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path, text)
        }
        for (path, text) in files.sorted(by: { $0.0 < $1.0 }) {
            hasher.update(data: Data(path.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(text.utf8))
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
