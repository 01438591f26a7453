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
        let (expansion, expansionDiagnostics) = Expansion.expand(configuration, variables: request.variables, requireKnownRepetition: request.mode != .destroy)
        diagnostics.append(contentsOf: expansionDiagnostics)
        let (graph, graphDiagnostics) = ConfigurationGraph.build(expansion, registry: registry)
        diagnostics.append(contentsOf: graphDiagnostics)
        var prior = request.state ?? StateFile()
        let movedFrom = StateMoves.apply(configuration.moved, to: &prior, diagnostics: &diagnostics)
        // Managed instances the configuration declares (looked up rather than collected: this runs for every instance).
        func isDeclared(_ address: ResourceAddress) -> Bool { address.mode == .managed && expansion.instances[address] != nil }
        let targets = request.targets.isEmpty ? []
            : Self.expandTargets(request.targets, declared: Set(expansion.instances.keys.filter { $0.mode == .managed }), state: prior,
                                 diagnostics: &diagnostics)
        try diagnostics.throwIfErrors()

        let sensitivity = Sensitivity(graph, registry: registry)
        diagnostics.append(contentsOf: sensitivity.diagnostics)
        try diagnostics.throwIfErrors()

        var uses: [(key: String, range: SourceRange?)] = []
        if request.mode != .destroy {
            // One use per provider key is enough to report a misconfigured provider at its first user.
            var firstUse: [String: ResourceInstance] = [:]
            for instance in expansion.instances.values where (firstUse[instance.providerKey]?.address).map({ instance.address < $0 }) ?? true {
                firstUse[instance.providerKey] = instance
            }
            uses += firstUse.values.sorted { $0.address < $1.address }
                .map { ($0.providerKey, $0.declaration.providerRange ?? $0.declaration.range) }
        }
        uses += prior.resources.map { ($0.provider, nil) }
        try await sessions.configureAll(uses).throwIfErrors()
        let (refreshed, unmaskedDrift) = try await refresh(prior, enabled: request.refresh, parallelism: request.parallelism)
        let priorByAddress = Dictionary(prior.resources.map { ($0.address, $0) }) { first, _ in first }
        func sensitivePaths(_ address: ResourceAddress) -> Set<String> {
            // Lookups skipped when there is nothing to find: this runs for every instance.
            let declared = sensitivity.paths(of: address)
            guard !priorByAddress.isEmpty, let recorded = priorByAddress[address]?.sensitiveAttributes else { return declared }
            return declared.union(recorded)
        }
        let drift = unmaskedDrift.map { Self.markSensitive($0, paths: sensitivePaths($0.address)) }

        var changes: [ResourceChange] = []
        // The planned value of each change of the loop below, whole (a change keeps it split into known parts and
        // unknown marks), for checks across resources and implicit ordering.
        var planned: [PlannedResource] = []
        var configuredProviders = ConfiguredProviderCache()
        var evaluator = NodeEvaluator(graph: graph, registry: registry, variables: request.variables)
        var dataSources: [String: Value] = [:]
        if request.mode == .normal || request.mode == .refreshOnly {
            changes.reserveCapacity(expansion.instances.count)
            planned.reserveCapacity(expansion.instances.count)
            for (position, node) in graph.order.enumerated() {
                guard case .resource(let address) = node else {
                    evaluator.evaluate(node, diagnostics: &diagnostics)
                    continue
                }
                guard let instance = expansion.instances[address], let schema = registry.schema(for: address) else { continue }
                if address.mode == .data {
                    let value = try await readDataSource(instance, schema: schema, evaluator: &evaluator, diagnostics: &diagnostics)
                    dataSources[address.description] = value
                    evaluator.record(node, value)
                    continue
                }
                let resource = instance.declaration
                let before = refreshed.isEmpty ? nil : refreshed[address]
                diagnostics.append(contentsOf: ResourceEvaluation.checkIgnoredPaths(resource, schema: schema))
                let configured = ResourceEvaluation.ignoringChanges(evaluator.configuredValue(instance, schema: schema, diagnostics: &diagnostics),
                                                                    prior: before, lifecycle: resource.lifecycle, schema: schema)
                let configuredProvider = try await configuredProviders.provider(instance.providerKey, from: sessions)
                let problems = (registry.providers[address.providerName]?.validate(type: address.type, configuration: configured) ?? [])
                    + configuredProvider.validate(type: address.type, configuration: configured)
                for problem in problems {
                    diagnostics.append(contentsOf: EngineErrors.diagnostics(for: problem, address: address, operation: "validation", declaration: resource))
                }
                var previewed = configured
                if problems.isEmpty {
                    do {
                        previewed = try await configuredProvider.preview(type: address.type, configuration: configured, prior: before) ?? configured
                    } catch {
                        diagnostics.append(contentsOf: EngineErrors.diagnostics(for: error, address: address, operation: "validation", declaration: resource))
                    }
                }
                let defaults = configuredProvider.defaults(type: address.type)
                let (action, proposed, attributeChanges) = ResourceEvaluation.plannedChange(config: previewed, prior: before, schema: schema, defaults: defaults)
                if action == .replace, let guarded = resource.lifecycle.preventDestroy {
                    diagnostics.append(Self.preventedDestroy(address, range: guarded, because: "a change to \(attributeChanges.filter(\.forcesReplacement).map(\.path).joined(separator: ", ")) forces replacement"))
                }
                evaluator.record(node, action == .noop ? (before ?? proposed) : proposed)
                let paths = sensitivePaths(address)
                planned.append(PlannedResource(address: address, value: proposed))
                changes.append(ResourceChange(
                    address: address, provider: instance.providerKey, action: action, before: before,
                    after: PlannedValue(proposed), attributeChanges: Self.markSensitive(attributeChanges, paths: paths),
                    dependencies: graph.resourceDependencies(ofNodeAt: position).filter { $0.mode == .managed },
                    notes: registry.providers[address.providerName]?.notes(type: address.type, action: action, before: before, after: proposed) ?? [],
                    sensitiveAttributes: paths.sorted(), movedFrom: movedFrom.isEmpty ? nil : movedFrom[address],
                    createBeforeDestroy: action == .replace && resource.lifecycle.createBeforeDestroy))
            }
        }
        // A field the service refused already (a dry-run's 422) is reported once.
        let reportedRanges = Set(diagnostics.errors.compactMap(\.range))
        diagnostics.append(contentsOf: try await validateAcrossResources(changes, planned: planned, expansion: expansion).items.filter { $0.range.map { !reportedRanges.contains($0) } ?? true })
        try diagnostics.throwIfErrors()

        // Objects in the state but not in the configuration (or everything, when destroying) are deleted.
        for resource in prior.resources where request.mode == .destroy || (request.mode == .normal && !isDeclared(resource.address)) {
            guard let before = refreshed[resource.address] else { continue }
            let schema = registry.schema(for: resource.address)
            let paths = (schema?.sensitivePaths ?? []).union(resource.sensitiveAttributes)
            changes.append(ResourceChange(
                address: resource.address, provider: resource.provider, action: .delete, before: before, after: nil,
                attributeChanges: Self.markSensitive(AttributeDiff.changes(before: before, after: nil, attributes: schema?.attributes ?? [:]), paths: paths),
                dependencies: resource.dependencies,
                notes: registry.providers[resource.address.providerName]?.notes(type: resource.address.type, action: .delete, before: before, after: before) ?? [],
                sensitiveAttributes: paths.sorted(), movedFrom: movedFrom[resource.address]))
        }
        ImplicitOrdering.addDependencies(to: &changes, plannedValues: planned.map(\.value), registry: registry)
        let scopeOfTargets = Self.targetScope(targets, mode: request.mode, graph: graph, state: prior)
        if let scopeOfTargets { changes = changes.filter { scopeOfTargets.contains($0.address) } }
        for change in changes where change.action == .delete {
            if let guarded = expansion.modules[change.address.modulePath]?.configuration.resource(change.address)?.lifecycle.preventDestroy {
                diagnostics.append(Self.preventedDestroy(change.address, range: guarded, because: "this plan deletes it"))
            }
        }
        var deposedDeletes = request.mode == .refreshOnly ? [] : try await deposedObjects(prior, refresh: request.refresh)
        if let scopeOfTargets { deposedDeletes = deposedDeletes.filter { scopeOfTargets.contains($0.address) } }
        // A refresh-only plan only accepts live values: it carries the drift, no resource changes.
        if request.mode == .refreshOnly { changes = [] }
        let reportedDrift = scopeOfTargets.map { kept in drift.filter { kept.contains($0.address) } } ?? drift

        // In place, and only when out of order: changes come in evaluation order, which is address order unless
        // resources depend on each other; a sorted copy of 100,000 changes was a large part of the plan's peak memory.
        if changes.indices.dropFirst().contains(where: { changes[$0].address < changes[$0 - 1].address }) { changes.sort { $0.address < $1.address } }
        let outputChanges = request.mode == .refreshOnly || !targets.isEmpty
            ? []
            : outputs(configuration, values: evaluator.values, prior: prior, destroying: request.mode == .destroy)
        try diagnostics.throwIfErrors()
        // Freed while the caller goes on: releasing them here was 3 % of a plan of 100,000 instances.
        BackgroundRelease.release((consume expansion, consume graph, consume evaluator, consume sensitivity, consume planned))

        return Plan(
            mode: request.mode,
            stamp: PlanStamp(lineage: request.state?.lineage, serial: request.state?.serial,
                             configurationDigest: Self.digest(of: configuration)),
            variables: request.variables,
            sensitiveVariables: configuration.variables.values.filter(\.sensitive).map(\.name).sorted(),
            targets: request.targets,
            drift: reportedDrift,
            resourceChanges: changes,
            outputChanges: outputChanges,
            refreshedState: Dictionary(uniqueKeysWithValues: refreshed.map { ($0.key.description, $0.value) }),
            dataSources: dataSources,
            deposedDeletes: deposedDeletes,
            warnings: diagnostics.warnings)
    }

    /// Each provider configuration's rules across its planned resources (`ConfiguredProvider.validate(resources:)`);
    /// `planned[i]` is what `changes[i]` plans.
    private func validateAcrossResources(_ changes: [ResourceChange], planned: [PlannedResource], expansion: Expansion) async throws -> Diagnostics {
        var diagnostics = Diagnostics()
        let byProvider = Dictionary(grouping: planned.indices, by: { changes[$0].provider })
        for (key, indices) in byProvider.sorted(by: { $0.key < $1.key }) {
            let problems = await (try await sessions.provider(key)).validate(resources: indices.map { planned[$0] })
            for problem in problems {
                diagnostics.append(contentsOf: EngineErrors.diagnostics(for: problem.error, address: problem.address, operation: "validation",
                                                                        declaration: expansion.instances[problem.address]?.declaration))
            }
        }
        return diagnostics
    }

    /// Deletes for the deposed objects of the state that still exist (old objects of interrupted
    /// `create_before_destroy` replacements).
    private func deposedObjects(_ state: StateFile, refresh: Bool) async throws -> [ResourceChange] {
        var result: [ResourceChange] = []
        for old in state.deposed {
            var live: Value? = old.attributes
            if refresh {
                do {
                    live = try await sessions.provider(old.provider).read(type: old.address.type, current: old.attributes)
                } catch {
                    throw Diagnostics(EngineErrors.diagnostics(for: error, address: old.address, operation: "refresh"))
                }
            }
            guard let live else { continue }
            result.append(ResourceChange(address: old.address, provider: old.provider, action: .delete, before: live, after: nil,
                                         attributeChanges: [], dependencies: old.dependencies, sensitiveAttributes: old.sensitiveAttributes))
        }
        return result
    }

    /// Reads a data source instance; its arguments must be known while planning.
    private func readDataSource(_ instance: ResourceInstance, schema: ResourceSchema, evaluator: inout NodeEvaluator,
                                diagnostics: inout Diagnostics) async throws -> Value {
        var local = Diagnostics()
        let arguments = evaluator.configuredValue(instance, schema: schema, diagnostics: &local)
        diagnostics.append(contentsOf: local)
        guard !local.hasErrors else { return ResourceEvaluation.unknownValue(schema) }
        guard !arguments.containsUnknown else {
            diagnostics.append(.error("\(instance.address) depends on values known only after apply",
                                      detail: "Data sources are read while planning, so their arguments must not refer to resources that do not exist yet.",
                                      range: instance.declaration.range, address: instance.address.description))
            return ResourceEvaluation.unknownValue(schema)
        }
        do {
            let provider = try await sessions.provider(instance.providerKey)
            return try await provider.readDataSource(type: instance.address.type, arguments: arguments)
        } catch {
            diagnostics.append(contentsOf: EngineErrors.diagnostics(for: error, address: instance.address, operation: "read"))
            return ResourceEvaluation.unknownValue(schema)
        }
    }

    /// `--target` addresses as instances: an address without a key names every instance of its declaration.
    private static func expandTargets(_ targets: [ResourceAddress], declared: Set<ResourceAddress>, state: StateFile,
                                      diagnostics: inout Diagnostics) -> [ResourceAddress] {
        let known = declared.union(state.resources.map(\.address))
        var result: [ResourceAddress] = []
        for target in targets {
            if known.contains(target) {
                result.append(target)
                continue
            }
            let instances = target.key == nil ? known.filter { $0.declaration == target }.sorted() : []
            if instances.isEmpty {
                diagnostics.append(.error("Target \"\(target)\" matches no resource",
                                          detail: "\(Suggestions.didYouMean(target.description, in: known.map(\.description)))".trimmingCharacters(in: .whitespaces)))
            }
            result += instances
        }
        return result
    }

    private static func preventedDestroy(_ address: ResourceAddress, range: SourceRange, because reason: String) -> Diagnostic {
        .error("\(address) cannot be destroyed", detail: "lifecycle.prevent_destroy is set, but \(reason). Remove prevent_destroy first if this is intended.",
               range: range, address: address.description)
    }

    private static func markSensitive(_ changes: [AttributeChange], paths: Set<String>) -> [AttributeChange] {
        guard !paths.isEmpty else { return changes }
        return changes.map { change in
            var change = change
            // A change of a whole block that holds a sensitive entry is masked whole.
            change.sensitive = change.sensitive || paths.contains { Sensitivity.path($0, covers: change.path) || Sensitivity.path(change.path, covers: $0) }
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
        let results = await sessions.readAll(state.resources.map { .init(address: $0.address, provider: $0.provider, attributes: $0.attributes) },
                                             parallelism: parallelism)
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
                                    graph: ConfigurationGraph, state: StateFile) -> Set<ResourceAddress>? {
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
            let resources = graph.resourceGraph
            for target in targets { keep.formUnion(resources.transitiveDependencies(of: target)) }
        }
        return keep
    }

    private func outputs(_ configuration: Configuration, values: [EvaluationNode: Value], prior: StateFile, destroying: Bool) -> [OutputChange] {
        var changes: [OutputChange] = []
        let declared = Set(configuration.outputs.map(\.name))
        if !destroying {
            for output in configuration.outputs {
                let value = values[.output([], output.name)] ?? .unknown
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
