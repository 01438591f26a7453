import Foundation
import TandemCore
import TandemLanguage
import TandemState

/// Carries out a plan: creates, updates and replaces in dependency order, then deletes in reverse order,
/// journaling every operation (a create's intent before it starts) and writing the state once at the end.
public struct Applier: Sendable {
    /// The available providers.
    public let registry: ProviderRegistry
    /// Configured provider instances for this run.
    public let sessions: ProviderSessions

    /// Creates an applier.
    public init(registry: ProviderRegistry, sessions: ProviderSessions) {
        self.registry = registry
        self.sessions = sessions
    }

    /// Applies `plan`. Configuration expressions are evaluated again as dependencies complete, so values that were
    /// unknown at plan time are filled in.
    public func apply(_ plan: Plan, configuration: Configuration, recorder: StateRecorder,
                      parallelism: Int, hooks: ApplyHooks) async -> ApplyResult {
        let failures = FailureLog()
        let (expansion, expansionDiagnostics) = Expansion.expand(configuration, variables: plan.variables, requireKnownRepetition: plan.mode != .destroy)
        let (graph, graphDiagnostics) = ConfigurationGraph.build(expansion, registry: registry)
        if plan.mode != .destroy, expansionDiagnostics.hasErrors || graphDiagnostics.hasErrors {
            await failures.add(expansionDiagnostics.items + graphDiagnostics.items)
            return ApplyResult(outcomes: [], diagnostics: await failures.diagnostics, state: await finish(recorder, failures: failures))
        }
        do {
            for change in plan.resourceChanges {
                if let old = change.movedFrom { try await recorder.move(old, to: change.address) }
            }
            try await acceptRefreshedState(plan, recorder: recorder)
        } catch {
            await failures.add(.error("Cannot write state", detail: "\(error)"))
            return ApplyResult(outcomes: [], diagnostics: await failures.diagnostics, state: await finish(recorder, failures: failures))
        }
        var outcomes: [ResourceAddress: WalkOutcome] = [:]
        if plan.mode != .refreshOnly {
            let forward = plan.resourceChanges.filter { $0.action != .delete }
            outcomes.merge(await walkForward(forward, plan: plan, graph: graph, recorder: recorder,
                                             parallelism: parallelism, hooks: hooks, failures: failures)) { $1 }
            let deletes = plan.resourceChanges.filter { $0.action == .delete }
            let forwardFailed = outcomes.values.contains { $0 != .succeeded }
            await deleteDeposedObjects(plan, outcomes: outcomes, keep: forwardFailed, hooks: hooks, recorder: recorder, failures: failures)
            if !deletes.isEmpty {
                if forwardFailed && plan.mode == .normal {
                    // Deleting objects the failed changes may still rely on could make things worse; leave them.
                    for change in deletes { outcomes[change.address] = .skipped }
                } else {
                    outcomes.merge(await walkDeletes(deletes, recorder: recorder, parallelism: parallelism,
                                                     hooks: hooks, failures: failures)) { $1 }
                }
            }
            if plan.targets.isEmpty, !outcomes.values.contains(where: { $0 != .succeeded }) {
                await writeOutputs(plan: plan, graph: graph, recorder: recorder, failures: failures)
            }
        }
        do {
            try await recorder.recordAppliedPlan(plan.id)
        } catch {
            await failures.add(.error("Cannot write state", detail: "\(error)"))
        }
        let finalState = await finish(recorder, failures: failures)
        let cancelled = await failures.cancelled
        let stuck = outcomes.filter { $0.value == .skipped }.map(\.key).sorted()
        if !stuck.isEmpty, cancelled.isEmpty, await failures.diagnostics.isEmpty {
            await failures.add(.error("Some changes could not be ordered",
                                      detail: "The dependencies recorded for \(stuck.map(\.description).joined(separator: ", ")) form a cycle, so none of them was attempted."))
        }
        if !cancelled.isEmpty {
            await failures.add(.error("Apply interrupted",
                                      detail: "\(cancelled.count) operation(s) were not started. The state records everything that was applied; run tandem apply again to finish."))
        }
        let rows = plan.resourceChanges.filter { $0.action != .noop }.map { change -> (ResourceAddress, ChangeAction, ApplyResult.Outcome) in
            let outcome: ApplyResult.Outcome
            switch outcomes[change.address] {
            case .succeeded?: outcome = .applied
            case .failed? where !cancelled.contains(change.address): outcome = .failed
            default: outcome = .notAttempted
            }
            return (change.address, change.action, outcome)
        }
        return ApplyResult(outcomes: rows.map { (address: $0.0, action: $0.1, outcome: $0.2) },
                           diagnostics: await failures.diagnostics, state: finalState)
    }

    /// Writes the state once; when that fails the journal stays, and the next command replays it.
    private func finish(_ recorder: StateRecorder, failures: FailureLog) async -> StateFile {
        do {
            return try await recorder.finish()
        } catch {
            await failures.add(.error("Cannot write state", detail: "The operations are kept in the state journal and the next command records them. \(error)"))
            return await recorder.state
        }
    }

    /// Deletes deposed objects: those the plan lists (left by an earlier apply) and the old objects of this apply's
    /// `create_before_destroy` replacements. When some forward change failed they are kept (a dependent may still
    /// use one); they stay recorded, so the next plan deletes them.
    private func deleteDeposedObjects(_ plan: Plan, outcomes: [ResourceAddress: WalkOutcome], keep: Bool, hooks: ApplyHooks,
                                      recorder: StateRecorder, failures: FailureLog) async {
        let due = Set(plan.deposedDeletes.map(\.address)
                      + plan.resourceChanges.filter { $0.createBeforeDestroy && outcomes[$0.address] == .succeeded }.map(\.address))
        for old in await recorder.deposed where due.contains(old.address) {
            if keep {
                await failures.add(.error("The old object of \(old.address) was kept",
                                          detail: "Other changes failed and may still use it. It stays recorded as deposed; the next plan deletes it.",
                                          address: old.address.description))
                continue
            }
            do {
                let provider = try await sessions.provider(old.provider)
                hooks.willApply(old.address, .delete)
                let started = Date()
                try await provider.delete(type: old.address.type, prior: old.attributes,
                                          progress: ProgressReporter { message in hooks.progress(old.address, message) })
                try await recorder.removeDeposed(old)
                hooks.didApply(old.address, .delete, Date().timeIntervalSince(started), nil)
            } catch {
                await failures.add(.error("The old object of \(old.address) could not be deleted",
                                          detail: "It stays recorded as deposed; the next plan deletes it. \(error)",
                                          address: old.address.description))
            }
        }
    }

    /// Writes what refresh found (changes and deletions made outside Tandem) before changing anything.
    private func acceptRefreshedState(_ plan: Plan, recorder: StateRecorder) async throws {
        for drift in plan.drift {
            switch drift.kind {
            case .deleted:
                try await recorder.remove(drift.address)
            case .changed:
                guard let existing = await recorder.resource(drift.address),
                      let refreshed = plan.refreshedState[drift.address.description] else { continue }
                var updated = existing
                updated.attributes = refreshed
                try await recorder.upsert(updated)
            }
        }
    }

    private func walkForward(_ changes: [ResourceChange], plan: Plan, graph: ConfigurationGraph, recorder: StateRecorder,
                             parallelism: Int, hooks: ApplyHooks, failures: FailureLog) async -> [ResourceAddress: WalkOutcome] {
        let registry = self.registry
        let sessions = self.sessions
        return await Self.walk(changes, reversed: false, parallelism: parallelism, hooks: hooks, failures: failures,
                               expansion: graph.expansion) { change in
            try await Self.applyForward(change, plan: plan, graph: graph, registry: registry,
                                        sessions: sessions, recorder: recorder, hooks: hooks)
        }
    }

    private func walkDeletes(_ changes: [ResourceChange], recorder: StateRecorder, parallelism: Int,
                             hooks: ApplyHooks, failures: FailureLog) async -> [ResourceAddress: WalkOutcome] {
        let sessions = self.sessions
        // Reversed: a resource is deleted only after everything that depends on it is gone.
        return await Self.walk(changes, reversed: true, parallelism: parallelism, hooks: hooks, failures: failures,
                               expansion: nil) { change in
            guard let prior = change.before else { return }
            let provider = try await sessions.provider(change.provider)
            try await provider.delete(type: change.address.type, prior: prior,
                                      progress: ProgressReporter { message in hooks.progress(change.address, message) })
            try await recorder.remove(change.address)
        }
    }

    /// Runs `operation` for every change that does something, each once its dependencies (or, `reversed`, its
    /// dependents) succeeded; reports progress through the hooks and failures to the log; starts nothing once cancelled.
    private static func walk(_ changes: [ResourceChange], reversed: Bool, parallelism: Int, hooks: ApplyHooks, failures: FailureLog,
                             expansion: Expansion?,
                             operation: @escaping @Sendable (ResourceChange) async throws -> Void) async -> [ResourceAddress: WalkOutcome] {
        var graph = DependencyGraph<ResourceAddress>()
        let included = Set(changes.map(\.address))
        for change in changes {
            graph.add(change.address)
            for dependency in change.dependencies where included.contains(dependency) {
                graph.add(change.address, dependsOn: dependency)
            }
        }
        let byAddress = Dictionary(uniqueKeysWithValues: changes.map { ($0.address, $0) })
        return await (reversed ? graph.reversed : graph).walk(parallelism: parallelism) { address in
            guard let change = byAddress[address] else { return false }
            if change.action == .noop {
                // Nothing to do to the object; the state may still need the new dependencies or provider.
                do {
                    try await operation(change)
                    return true
                } catch {
                    await failures.add(EngineErrors.diagnostics(for: error, address: address, operation: "record"))
                    return false
                }
            }
            if hooks.isCancelled() {
                await failures.cancel(address)
                return false
            }
            hooks.willApply(address, change.action)
            let started = Date()
            do {
                try await operation(change)
                hooks.didApply(address, change.action, Date().timeIntervalSince(started), nil)
                return true
            } catch {
                let diagnostics = EngineErrors.diagnostics(for: error, address: address, operation: change.action.rawValue,
                                                              declaration: expansion?.instances[address]?.declaration)
                await failures.add(diagnostics)
                hooks.didApply(address, change.action, Date().timeIntervalSince(started), diagnostics.first)
                return false
            }
        }
    }

    private static func applyForward(_ change: ResourceChange, plan: Plan, graph: ConfigurationGraph, registry: ProviderRegistry,
                                     sessions: ProviderSessions, recorder: StateRecorder, hooks: ApplyHooks) async throws {
        let address = change.address
        if change.action == .noop {
            guard let recorded = await recorder.resource(address) else { return }
            try await recorder.upsert(ResourceState(address: address, provider: change.provider, attributes: recorded.attributes,
                                                    dependencies: change.dependencies, sensitiveAttributes: change.sensitiveAttributes))
            return
        }
        guard let instance = graph.expansion.instances[address], let schema = registry.schema(for: address) else {
            throw ProviderError("\(address) is in the plan but not in the configuration; make a new plan")
        }
        let resource = instance.declaration
        var diagnostics = Diagnostics()
        let order = graph.evaluationOrder(upTo: .resource(address))
        let recorded = await recorder.attributes(of: order.compactMap(\.resourceAddress))
        var evaluator = evaluator(order: order, excluding: .resource(address), graph: graph, registry: registry, recorded: recorded,
                                  plan: plan, diagnostics: &diagnostics)
        let provider = try await sessions.provider(change.provider)
        let isNewObject = change.action == .create || change.action == .replace
        var configured = ResourceEvaluation.ignoringChanges(
            evaluator.configuredValue(instance, schema: schema, diagnostics: &diagnostics),
            prior: isNewObject ? nil : change.before, lifecycle: resource.lifecycle, schema: schema)
        if isNewObject { configured = ResourceEvaluation.withDefaults(configured, provider.defaults(type: address.type), schema: schema) }
        try diagnostics.throwIfErrors()
        let prior = isNewObject ? nil : change.before
        let planned = ResourceEvaluation.proposedValue(config: configured, prior: prior, attributes: schema.attributes)
        try checkConsistency(configured: configured, planned: planned, with: change, schema: schema)
        let progress = ProgressReporter { message in hooks.progress(address, message) }

        switch change.action {
        case .replace where change.createBeforeDestroy:
            // The old object stays recorded as deposed and is deleted after every forward change, once its
            // dependents point at the new one.
            let created = try await create(change, planned: planned, registry: registry, provider: provider, recorder: recorder, hooks: hooks)
            try await recorder.replaceDeposing(ResourceState(address: address, provider: change.provider, attributes: created,
                                                             dependencies: change.dependencies, sensitiveAttributes: change.sensitiveAttributes))
        case .create, .replace:
            if let old = change.before, change.action == .replace {
                try await provider.delete(type: address.type, prior: old, progress: progress)
                try await recorder.remove(address)
            }
            let created: Value
            do {
                created = try await create(change, planned: planned, registry: registry, provider: provider, recorder: recorder, hooks: hooks)
            } catch where change.action == .replace {
                throw ProviderError("The old object was deleted, but the new one could not be created (the state no longer lists \(address); "
                                    + "the next plan will create it): \(error)")
            }
            try await recorder.upsert(ResourceState(address: address, provider: change.provider, attributes: created,
                                                    dependencies: change.dependencies, sensitiveAttributes: change.sensitiveAttributes))
        case .update:
            let updated = try await provider.update(type: address.type, prior: prior ?? .null, planned: planned, progress: progress)
            try await recorder.upsert(ResourceState(address: address, provider: change.provider, attributes: updated,
                                                    dependencies: change.dependencies, sensitiveAttributes: change.sensitiveAttributes))
        case .noop, .delete:
            break
        }
    }

    /// Creates the object of `change`, journaling the intent durably before the first call that may create it: before
    /// the provider is called, or, for types whose provider checks the name is free first and announces the create
    /// (`Provider.announcesCreates(type:)`), when it announces. So an object someone else owns, which the provider
    /// refuses, is never recorded, and one this create may have made always is.
    private static func create(_ change: ResourceChange, planned: Value, registry: ProviderRegistry, provider: any ConfiguredProvider,
                               recorder: StateRecorder, hooks: ApplyHooks) async throws -> Value {
        let address = change.address
        // What is known before the create (the arguments naming the object); computed attributes are null until read.
        let intent = ResourceState(address: address, provider: change.provider, attributes: planned.knownParts.known,
                                   dependencies: change.dependencies, sensitiveAttributes: change.sensitiveAttributes)
        let announces = registry.providers[address.providerName]?.announcesCreates(type: address.type) ?? false
        if !announces { try await recorder.recordIntent(intent) }
        var announce: (@Sendable () async throws -> Void)?
        if announces { announce = { @Sendable in try await recorder.recordIntent(intent) } }
        let progress = ProgressReporter({ message in hooks.progress(address, message) }, willCreate: announce)
        return try await provider.create(type: address.type, planned: planned, progress: progress)
    }

    /// Apply carries out the reviewed plan: the configuration evaluated now (with the values that were unknown at plan
    /// time filled in) must agree with every argument the plan already knew, and nothing settable may still be unknown.
    private static func checkConsistency(configured: Value, planned: Value, with change: ResourceChange, schema: ResourceSchema) throws {
        let expected = change.after?.value ?? .null
        for (name, attribute) in schema.attributes where attribute.isSettable {
            let now = planned[name]
            if configured[name].containsUnknown {
                throw ProviderError("\(change.address).\(name) is still unknown at apply time; something it refers to was not created. Make a new plan.")
            }
            let then = expected[name]
            if !then.containsUnknown, then != now {
                throw ProviderError("\(change.address).\(name) differs from the reviewed plan (the configuration or a value it refers to changed since). Make a new plan.")
            }
        }
    }

    /// Evaluates the nodes of `order` (but `excluded`) with the `recorded` attributes of applied resources,
    /// the data source values read while planning, and unknown for resources not created yet.
    private static func evaluator(order: [EvaluationNode], excluding excluded: EvaluationNode?, graph: ConfigurationGraph,
                                  registry: ProviderRegistry, recorded: [ResourceAddress: Value],
                                  plan: Plan, diagnostics: inout Diagnostics) -> NodeEvaluator {
        var evaluator = NodeEvaluator(graph: graph, registry: registry, variables: plan.variables)
        for dependency in order where dependency != excluded {
            guard case .resource(let address) = dependency else {
                evaluator.evaluate(dependency, diagnostics: &diagnostics)
                continue
            }
            let known = address.mode == .data ? plan.dataSources[address.description] : recorded[address]
            evaluator.record(dependency, known ?? registry.schema(for: address).map(ResourceEvaluation.unknownValue) ?? .unknown)
        }
        return evaluator
    }

    private func writeOutputs(plan: Plan, graph: ConfigurationGraph, recorder: StateRecorder, failures: FailureLog) async {
        var outputs: [String: OutputState] = [:]
        if plan.mode == .normal {
            var diagnostics = Diagnostics()
            let evaluator = Self.evaluator(order: graph.order, excluding: nil, graph: graph, registry: registry,
                                           recorded: await recorder.allAttributes, plan: plan, diagnostics: &diagnostics)
            for output in graph.expansion.root.outputs {
                let value = evaluator.values[.output([], output.name)] ?? .unknown
                if !value.containsUnknown { outputs[output.name] = OutputState(value: value, sensitive: output.sensitive) }
            }
            for diagnostic in diagnostics.errors { await failures.add(diagnostic) }
        }
        do {
            try await recorder.setOutputs(outputs)
        } catch {
            await failures.add(.error("Cannot write state", detail: "\(error)"))
        }
    }
}

/// Collects errors from concurrent operations, and the operations not started because the user interrupted.
actor FailureLog {
    private(set) var diagnostics = Diagnostics()
    private(set) var cancelled: Set<ResourceAddress> = []

    func add(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    func add(_ several: [Diagnostic]) {
        diagnostics.append(contentsOf: several)
    }

    func cancel(_ address: ResourceAddress) {
        cancelled.insert(address)
    }
}
