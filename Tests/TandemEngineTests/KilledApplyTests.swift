import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState
import TandemTesting

/// A killed or failed apply must not forget what it created: the journal records each create's intent before the
/// object can exist, and the next command adopts what those creates left, and nothing else.
@Suite struct KilledApplyTests {
    private static let configuration = """
        variables:
          names: {type: list}
        resources:
          mem_bucket.store:
            for_each: ${toset(var.names)}
            name: bucket-${each.key}
          mem_queue.events:
            for_each: ${toset(var.names)}
            name: queue-${each.key}
            dlq_arn: ${mem_bucket.store[each.key].arn}
        """

    private static let names: Value = .list((0..<30).map { .string(String(format: "n%02d", $0)) })

    /// Every object in the cloud, as `TYPE/NAME`.
    private func live(_ cloud: InMemoryCloud) async -> Set<String> { Set(await cloud.objects.keys) }

    /// The objects the state records, as `TYPE/NAME`.
    private func recorded(_ state: StateFile) -> Set<String> {
        Set(state.resources.map { "\($0.address.type)/\($0.attributes["name"].stringValue ?? "")" })
    }

    private func adopt(_ harness: EngineHarness, _ configuration: Configuration) async throws -> PendingCreates.Outcome {
        let state = try #require(try harness.store.read())
        let sessions = ProviderSessions(registry: harness.registry, configuration: configuration, variables: ["names": Self.names], environment: [:])
        let (adopted, outcome) = await PendingCreates.adopt(state, sessions: sessions)
        try harness.store.write(adopted)
        return outcome
    }

    @Test(arguments: [0, 1, 9, 23, 44])
    func killAtAnyPointLeavesNoOrphanAndTheNextApplyFinishes(completedCreates: Int) async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.configuration)
        let plan = try await harness.plan(configuration, variables: ["names": Self.names])
        await harness.cloud.holdCreates(after: completedCreates)
        // The apply runs until every create it can start is stopped with its object made, then is killed. It has
        // usually stopped once the held creates and the objects stay the same for a second; on a machine loaded enough to
        // starve it longer the kill lands mid-way instead, which a real kill may do too: either way, from the kill on
        // no object appears, so what was made is fixed.
        let abandoned = Task { try await harness.apply(plan, configuration) }
        var progress = (held: 0, objects: 0), stableSince = ContinuousClock.now
        while progress.held == 0 || ContinuousClock.now - stableSince < .seconds(1) {
            try await Task.sleep(for: .milliseconds(10))
            let now = (held: await harness.cloud.heldCount, objects: await harness.cloud.objects.count)
            if now != progress { (progress, stableSince) = (now, ContinuousClock.now) }
        }
        await harness.cloud.killConfiguredProviders()
        let made = await live(harness.cloud)
        #expect(made.count > completedCreates)

        // Nothing made is forgotten: each object is recorded or pending, before any provider call.
        let replayed = try #require(try harness.store.read())
        let pending = Set(replayed.pendingCreates.map { "\($0.address.type)/\($0.attributes["name"].stringValue ?? "")" })
        #expect(made.subtracting(recorded(replayed)).subtracting(pending).isEmpty)

        let outcome = try await adopt(harness, configuration)
        #expect(outcome.diagnostics.isEmpty)
        let adopted = try #require(try harness.store.read())
        #expect(adopted.pendingCreates.isEmpty)
        #expect(recorded(adopted) == made, "0 orphans and nothing recorded that does not exist")

        await harness.cloud.stopHolding()
        // The next apply creates only what is missing (no "already exists"), and destroy leaves nothing.
        let next = try await harness.plan(configuration, variables: ["names": Self.names])
        #expect(next.resourceChanges.filter { $0.action == .create }.count == 60 - made.count)
        let result = try await harness.apply(next, configuration)
        #expect(result.succeeded, "\(result.diagnostics)")
        #expect(await live(harness.cloud).count == 60)
        let destroy = try await harness.apply(try await harness.plan(configuration, mode: .destroy, variables: ["names": Self.names]), configuration)
        #expect(destroy.succeeded, "\(destroy.diagnostics)")
        #expect(await live(harness.cloud).isEmpty)
        #expect(try harness.store.read()?.resources.isEmpty == true)
        abandoned.cancel()
    }

    @Test func createFailingAfterItsFirstCallIsRecordedAndTheNextApplyFinishesIt() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("""
            resources:
              mem_bucket.partial: {name: partial, tags: {team: a}}
              mem_queue.partial: {name: partial-queue}
            """)
        await harness.cloud.fail("configure partial")
        await harness.cloud.fail("configure partial-queue")
        let failed = try await harness.converge(configuration)
        #expect(!failed.succeeded)
        #expect(await harness.cloud.object(type: "mem_bucket", name: "partial") != nil)
        let state = try #require(try harness.store.read())
        #expect(!(try harness.store.hasJournal()), "the apply ended normally and wrote the state once")
        #expect(state.pendingCreates.map(\.address.description).sorted() == ["mem_bucket.partial", "mem_queue.partial"])

        await harness.cloud.recover("configure partial")
        await harness.cloud.recover("configure partial-queue")
        let outcome = try await adopt(harness, configuration)
        #expect(outcome.adopted.map { $0.description }.sorted() == ["mem_bucket.partial", "mem_queue.partial"])
        let plan = try await harness.plan(configuration)
        #expect(plan.resourceChanges.allSatisfy { $0.action != .create })
        let result = try await harness.apply(plan, configuration)
        #expect(result.succeeded, "\(result.diagnostics)")
        #expect(try harness.store.read()?.resources.count == 2)
    }

    @Test func anObjectSomeoneElseMadeIsStillRefusedAndNeverAdopted() async throws {
        let cloud = InMemoryCloud()
        let someoneElse = EngineHarness(cloud: cloud)
        let harness = EngineHarness(cloud: cloud)
        defer { someoneElse.cleanUp(); harness.cleanUp() }
        try await someoneElse.converge(try someoneElse.configuration("resources: {mem_bucket.theirs: {name: shared}}"))
        let configuration = try harness.configuration("resources: {mem_bucket.mine: {name: shared}}")
        let result = try await harness.converge(configuration)
        #expect(!result.succeeded)
        #expect(result.diagnostics.errors.contains { $0.summary.contains("already exists") || ($0.detail ?? "").contains("already exists") })
        #expect(try harness.store.read()?.pendingCreates.isEmpty == true, "the refused create never announced its intent")
        #expect(try await adopt(harness, configuration).adopted.isEmpty)
        #expect(try harness.store.read()?.resources.isEmpty == true)
    }

    @Test func anIntentWhoseObjectWasNeverMadeIsDropped() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("resources: {mem_queue.q: {name: never}}")
        await harness.cloud.fail("create never")
        #expect(!(try await harness.converge(configuration)).succeeded)
        #expect(try harness.store.read()?.pendingCreates.count == 1, "a queue's intent is journaled before the call")
        let outcome = try await adopt(harness, configuration)
        #expect(outcome.absent.map { $0.description } == ["mem_queue.q"])
        #expect(try harness.store.read()?.pendingCreates.isEmpty == true)
    }
}
