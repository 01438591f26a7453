import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemState
import TandemTesting

@Suite struct PlanApplyTests {
    static let queues = """
    resources:
      mem_queue.dlq:
        name: dlq
      mem_queue.events:
        name: events
        dlq_arn: ${mem_queue.dlq.arn}
    outputs:
      events_arn: ${mem_queue.events.arn}
    """

    @Test func createsInDependencyOrderThenPlansNoChanges() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.queues)

        let plan = try await harness.plan(configuration)
        #expect(plan.change("mem_queue.dlq")?.action == .create)
        let events = try #require(plan.change("mem_queue.events"))
        #expect(events.action == .create)
        #expect(events.after?.value["dlq_arn"] == .unknown)
        #expect(events.attributeChanges.first { $0.path == "dlq_arn" }?.afterUnknown == .bool(true))
        #expect(events.dependencies == [address("mem_queue.dlq")])
        #expect(plan.outputChanges.first?.after?.value == .unknown)

        let result = try await harness.apply(plan, configuration)
        #expect(result.succeeded)
        #expect(await harness.cloud.operations == ["create dlq", "create events"])
        let state = try #require(try harness.store.read())
        #expect(state.resource(address("mem_queue.events"))?.attributes["dlq_arn"] == .string("arn:mem:mem_queue:dlq"))
        #expect(state.outputs["events_arn"]?.value == .string("arn:mem:mem_queue:events"))
        #expect(state.serial > 0)

        let again = try await harness.plan(configuration)
        #expect(!again.hasChanges)
        #expect(again.drift.isEmpty)
    }

    @Test func providerDefaultsShowInCreatePlansButNeverOverrideLiveValues() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let unset = try harness.configuration("resources:\n  mem_bucket.b: {name: b}\n")
        let create = try await harness.plan(unset)
        #expect(create.change("mem_bucket.b")?.after?.value["versioning"] == .string("Suspended"))
        let enabled = try harness.configuration("resources:\n  mem_bucket.b: {name: b, versioning: Enabled}\n")
        try await harness.converge(enabled)
        // Unset again: the live "Enabled" is kept, not reset to the provider's default for new buckets.
        #expect(try await harness.plan(unset).hasChanges == false)
    }

    @Test func noOpApplyDoesNotBumpTheSerial() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.queues)
        try await harness.converge(configuration)
        let serial = try #require(try harness.store.read()).serial
        try await harness.converge(configuration)
        #expect(try harness.store.read()?.serial == serial)
    }

    @Test func attributeChangeUpdatesAndForcingChangeReplaces() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let first = try harness.configuration("resources:\n  mem_bucket.b:\n    name: one\n    versioning: Enabled\n")
        try await harness.converge(first)

        let update = try harness.configuration("resources:\n  mem_bucket.b:\n    name: one\n    versioning: Suspended\n    tags: {app: x}\n")
        let updatePlan = try await harness.plan(update)
        let change = try #require(updatePlan.change("mem_bucket.b"))
        #expect(change.action == .update)
        #expect(change.attributeChanges.map(\.path) == ["tags", "versioning"])
        #expect(change.attributeChanges.last?.before == .string("Enabled"))
        #expect(change.attributeChanges.last?.after == .string("Suspended"))

        let replace = try harness.configuration("resources:\n  mem_bucket.b:\n    name: two\n")
        let replacePlan = try await harness.plan(replace)
        let replacement = try #require(replacePlan.change("mem_bucket.b"))
        #expect(replacement.action == .replace)
        #expect(replacement.notes == ["replacing one takes a moment"])
        #expect(replacement.after?.value["arn"] == .unknown)
        #expect(replacement.attributeChanges.first { $0.path == "name" }?.forcesReplacement == true)
        #expect(try await harness.apply(replacePlan, replace).succeeded)
        #expect(await harness.cloud.object(type: "mem_bucket", name: "one") == nil)
        #expect(await harness.cloud.object(type: "mem_bucket", name: "two") != nil)
    }

    @Test func resourcesRemovedFromConfigurationAreDeletedAfterDependents() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.queues)
        try await harness.converge(configuration)
        let empty = try harness.configuration("resources: {}\n")
        let plan = try await harness.plan(empty)
        #expect(plan.resourceChanges.map(\.action) == [.delete, .delete])
        #expect(plan.outputChanges.first?.action == .delete)
        let result = try await harness.apply(plan, empty)
        #expect(result.succeeded)
        #expect(await harness.cloud.operations.suffix(2) == ["delete events", "delete dlq"])
        #expect(try harness.store.read()?.resources.isEmpty == true)
        #expect(try harness.store.read()?.outputs.isEmpty == true)
    }

    @Test func destroyDeletesInReverseDependencyOrder() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.queues)
        try await harness.converge(configuration)
        let plan = try await harness.plan(configuration, mode: .destroy)
        #expect(plan.resourceChanges.allSatisfy { $0.action == .delete })
        #expect(try await harness.apply(plan, configuration).succeeded)
        #expect(await harness.cloud.operations == ["create dlq", "create events", "delete events", "delete dlq"])
        #expect(await harness.cloud.objects.isEmpty)
    }

    @Test func stateIsWrittenAfterEveryOperationAndFailuresAreTabulated() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("""
        resources:
          mem_queue.dlq:
            name: dlq
          mem_queue.events:
            name: events
            dlq_arn: ${mem_queue.dlq.arn}
          mem_bucket.archive:
            name: archive
            tags:
              queue: ${mem_queue.events.arn}
          mem_bucket.independent:
            name: independent
        """)
        await harness.cloud.fail("create events")
        let result = try await harness.apply(try await harness.plan(configuration), configuration, parallelism: 1)
        #expect(!result.succeeded)
        let outcomes = Dictionary(uniqueKeysWithValues: result.outcomes.map { ($0.address.description, $0.outcome) })
        #expect(outcomes["mem_queue.dlq"] == .applied)
        #expect(outcomes["mem_queue.events"] == .failed)
        #expect(outcomes["mem_bucket.archive"] == .notAttempted)
        #expect(outcomes["mem_bucket.independent"] == .applied)
        #expect(result.diagnostics.errors.first?.address == "mem_queue.events")
        #expect(result.diagnostics.errors.first?.detail?.contains("injected failure") == true)
        // What was created is on disk, not just in memory.
        let persisted = try #require(try harness.store.read())
        #expect(Set(persisted.resources.map(\.address.description)) == ["mem_bucket.independent", "mem_queue.dlq"])
    }

    @Test func driftIsFoundByRefreshAndAppliedBack() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("resources:\n  mem_bucket.b:\n    name: b\n    versioning: Enabled\n")
        try await harness.converge(configuration)
        await harness.cloud.tamper(type: "mem_bucket", name: "b", attribute: "versioning", value: .string("Suspended"))
        let plan = try await harness.plan(configuration)
        let drift = try #require(plan.drift.first)
        #expect(drift.address == address("mem_bucket.b"))
        #expect(drift.attributeChanges.map(\.path) == ["versioning"])
        #expect(plan.change("mem_bucket.b")?.action == .update)
        #expect(try await harness.apply(plan, configuration).succeeded)
        #expect(try await harness.plan(configuration).hasChanges == false)
    }

    @Test func deletedOutsideIsRecreated() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("resources:\n  mem_bucket.b:\n    name: b\n")
        try await harness.converge(configuration)
        await harness.cloud.remove(type: "mem_bucket", name: "b")
        let plan = try await harness.plan(configuration)
        #expect(plan.drift.first?.kind == .deleted)
        #expect(plan.change("mem_bucket.b")?.action == .create)
    }

    @Test func targetLimitsThePlanToTheTargetAndItsDependencies() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("""
        resources:
          mem_queue.dlq: {name: dlq}
          mem_queue.events: {name: events, dlq_arn: "${mem_queue.dlq.arn}"}
          mem_bucket.other: {name: other}
        """)
        let plan = try await harness.plan(configuration, targets: [address("mem_queue.events")])
        #expect(Set(plan.resourceChanges.map(\.address.description)) == ["mem_queue.dlq", "mem_queue.events"])
    }

    @Test func providerIsConfiguredOnceForConcurrentRefreshes() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.queues)
        try await harness.converge(configuration)
        let before = await harness.cloud.configureCount
        _ = try await harness.plan(configuration)
        #expect(await harness.cloud.configureCount == before + 1)
    }
}

@Suite struct InterruptedApplyTests {
    @Test func interruptedApplyStartsNothingNewAndKeepsWhatWasDone() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(PlanApplyTests.queues)
        let plan = try await harness.plan(configuration)
        let sessions = ProviderSessions(registry: harness.registry, configuration: configuration, variables: [:], environment: [:])
        let started = Counter()
        let hooks = ApplyHooks(willApply: { _, _ in started.increment() }, isCancelled: { started.value >= 1 })
        let result = await Applier(registry: harness.registry, sessions: sessions)
            .apply(plan, configuration: configuration, recorder: StateRecorder(state: nil, store: harness.store), parallelism: 1, hooks: hooks)
        #expect(!result.succeeded)
        #expect(result.diagnostics.errors.map(\.summary) == ["Apply interrupted"])
        let outcomes = Dictionary(uniqueKeysWithValues: result.outcomes.map { ($0.address.description, $0.outcome) })
        #expect(outcomes == ["mem_queue.dlq": .applied, "mem_queue.events": .notAttempted])
        #expect(try harness.store.read()?.resources.map(\.address.description) == ["mem_queue.dlq"])
    }
}

/// A thread-safe counter for hooks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}

@Suite struct RefreshOnlyTests {
    @Test func refreshOnlyAcceptsLiveValuesAndChangesNothingElse() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("resources:\n  mem_bucket.b:\n    name: b\n    versioning: Enabled\n")
        try await harness.converge(configuration)
        await harness.cloud.tamper(type: "mem_bucket", name: "b", attribute: "versioning", value: .string("Suspended"))
        let operationsBefore = await harness.cloud.operations

        let plan = try await harness.plan(configuration, mode: .refreshOnly)
        #expect(plan.hasChanges)
        #expect(plan.resourceChanges.allSatisfy { $0.action == .noop })
        #expect(try await harness.apply(plan, configuration).succeeded)
        #expect(await harness.cloud.operations == operationsBefore)
        #expect(try harness.store.read()?.resource(address("mem_bucket.b"))?.attributes["versioning"] == .string("Suspended"))
        // The configuration still wants Enabled: a normal plan now shows the update, without drift.
        let normal = try await harness.plan(configuration)
        #expect(normal.drift.isEmpty)
        #expect(normal.change("mem_bucket.b")?.action == .update)
    }
}

@Suite struct ReplacementTests {
    @Test func replacingADependencyReplansWhatRefersToIt() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let first = try harness.configuration(PlanApplyTests.queues)
        try await harness.converge(first)
        let renamed = try harness.configuration(PlanApplyTests.queues.replacingOccurrences(of: "name: dlq", with: "name: dlq2"))
        let plan = try await harness.plan(renamed)
        #expect(plan.change("mem_queue.dlq")?.action == .replace)
        let events = try #require(plan.change("mem_queue.events"))
        #expect(events.action == .update)
        #expect(events.after?.value["dlq_arn"] == .unknown)
        #expect(try await harness.apply(plan, renamed).succeeded)
        let state = try #require(try harness.store.read())
        #expect(state.resource(address("mem_queue.events"))?.attributes["dlq_arn"] == .string("arn:mem:mem_queue:dlq2"))
        #expect(try await harness.plan(renamed).hasChanges == false)
    }

    @Test func noOpResourcesTakeNewDependenciesIntoTheState() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let first = try harness.configuration("resources:\n  mem_bucket.a: {name: a}\n  mem_bucket.b: {name: b}\n")
        try await harness.converge(first)
        let ordered = try harness.configuration("resources:\n  mem_bucket.a: {name: a, depends_on: [mem_bucket.b]}\n  mem_bucket.b: {name: b}\n")
        let plan = try await harness.plan(ordered)
        #expect(!plan.hasChanges)
        #expect(try await harness.apply(plan, ordered).succeeded)
        #expect(try harness.store.read()?.resource(address("mem_bucket.a"))?.dependencies == [address("mem_bucket.b")])
    }

    @Test func destroyTargetTakesEverythingThatDependsOnItTransitively() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("""
        resources:
          mem_queue.a: {name: a}
          mem_queue.b: {name: b, dlq_arn: "${mem_queue.a.arn}"}
          mem_queue.c: {name: c, dlq_arn: "${mem_queue.b.arn}"}
          mem_queue.other: {name: other}
        """)
        try await harness.converge(configuration)
        let plan = try await harness.plan(configuration, mode: .destroy, targets: [address("mem_queue.a")])
        #expect(Set(plan.resourceChanges.map(\.address.description)) == ["mem_queue.a", "mem_queue.b", "mem_queue.c"])
    }

    @Test func cyclicRecordedDependenciesAreReportedNotSilentlySkipped() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("resources:\n  mem_bucket.a: {name: a}\n  mem_bucket.b: {name: b}\n")
        try await harness.converge(configuration)
        var state = try #require(try harness.store.read())
        state.upsert(ResourceState(address: address("mem_bucket.a"), provider: "mem", attributes: state.resource(address("mem_bucket.a"))!.attributes, dependencies: [address("mem_bucket.b")]))
        state.upsert(ResourceState(address: address("mem_bucket.b"), provider: "mem", attributes: state.resource(address("mem_bucket.b"))!.attributes, dependencies: [address("mem_bucket.a")]))
        try harness.store.write(state)
        let result = try await harness.apply(try await harness.plan(configuration, mode: .destroy), configuration)
        #expect(!result.succeeded)
        #expect(result.diagnostics.errors.first?.summary == "Some changes could not be ordered")
        #expect(result.outcomes.allSatisfy { $0.outcome == .notAttempted })
    }

    @Test func sensitiveVariablesAreMaskedWhereverTheyFlowAndOutputsMustSaySo() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let leaky = try harness.configuration("""
        variables:
          token: {default: s3cr3t-value, sensitive: yes}
        resources:
          mem_bucket.b: {name: b, tags: {t: "${var.token}"}}
        outputs:
          t: ${var.token}
        """)
        await #expect(throws: Diagnostics.self) { try await harness.plan(leaky, variables: ["token": .string("s3cr3t-value")]) }
        let masked = try harness.configuration("""
        variables:
          token: {default: s3cr3t-value, sensitive: yes}
        resources:
          mem_bucket.b: {name: b, tags: {t: "${var.token}"}}
          mem_bucket.c: {name: c, tags: "${mem_bucket.b.tags}"}
        outputs:
          t: {value: "${var.token}", sensitive: true}
        """)
        let plan = try await harness.plan(masked, variables: ["token": .string("s3cr3t-value")])
        #expect(plan.change("mem_bucket.c")?.sensitiveAttributes.contains("tags") == true)
        let json = String(decoding: try JSONEncoder().encode(plan.redacted()), as: UTF8.self)
        #expect(!json.contains("s3cr3t-value"))
        #expect(try await harness.apply(plan, masked).succeeded)
        #expect(try harness.store.read()?.resource(address("mem_bucket.c"))?.sensitiveAttributes == ["password", "tags"])
    }
}
