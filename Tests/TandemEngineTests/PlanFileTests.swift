import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemState
import TandemTesting

@Suite struct PlanFileTests {
    @Test func savedPlanRoundTripsWithUnknownsAndMode0600() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(PlanApplyTests.queues)
        let plan = try await harness.plan(configuration)
        let path = harness.directory + "/saved.plan"
        try PlanFile.write(plan, to: path)
        let read = try PlanFile.read(path)
        #expect(read == plan)
        #expect(read.change("mem_queue.events")?.after?.value["dlq_arn"] == .unknown)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test func planIsSingleUseEvenAgainstAnEmptyState() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(PlanApplyTests.queues)
        let digest = Planner.digest(of: configuration)
        let plan = try await harness.plan(configuration)
        #expect(PlanFile.checkApplicable(plan, state: try harness.store.read(), configurationDigest: digest).isEmpty)
        #expect(try await harness.apply(plan, configuration).succeeded)

        let second = PlanFile.checkApplicable(plan, state: try harness.store.read(), configurationDigest: digest)
        #expect(second.errors.first?.summary == "This plan was already applied")
    }

    @Test func planMadeOnEmptyStateIsStaleOnceStateExists() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(PlanApplyTests.queues)
        let first = try await harness.plan(configuration)
        let second = try await harness.plan(configuration)
        _ = try await harness.apply(first, configuration)
        let errors = PlanFile.checkApplicable(second, state: try harness.store.read(), configurationDigest: Planner.digest(of: configuration)).errors
        #expect(errors.first?.summary == "Saved plan is stale")
        #expect(errors.first?.detail?.contains("no state existed") == true)
    }

    @Test func stateSerialAndConfigurationChangesMakeAPlanStale() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(PlanApplyTests.queues)
        try await harness.converge(configuration)
        let changed = try harness.configuration(PlanApplyTests.queues + "\n  extra: x\n")
        let plan = try await harness.plan(changed)

        var state = try #require(try harness.store.read())
        #expect(PlanFile.checkApplicable(plan, state: state, configurationDigest: Planner.digest(of: changed)).isEmpty)
        #expect(PlanFile.checkApplicable(plan, state: state, configurationDigest: Planner.digest(of: configuration)).errors.first?.summary
                == "Configuration changed since the plan was made")
        state.serial += 1
        #expect(PlanFile.checkApplicable(plan, state: state, configurationDigest: Planner.digest(of: changed)).errors.first?.detail?.contains("serial") == true)
        state.lineage = "other"
        #expect(PlanFile.checkApplicable(plan, state: state, configurationDigest: Planner.digest(of: changed)).errors.first?.summary
                == "Saved plan belongs to another state")
    }

    @Test func redactedPlanMasksSensitiveValuesEverywhere() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("""
        variables:
          password:
            default: hunter2-secret
            sensitive: true
        resources:
          mem_bucket.b:
            name: b
            password: ${var.password}
        """)
        let plan = try await harness.plan(configuration, variables: ["password": .string("hunter2-secret")])
        let json = String(decoding: try JSONEncoder().encode(plan.redacted()), as: UTF8.self)
        #expect(!json.contains("hunter2-secret"))
        #expect(json.contains("(sensitive value)"))
        #expect(plan.change("mem_bucket.b")?.attributeChanges.first { $0.path == "password" }?.sensitive == true)
    }
}
