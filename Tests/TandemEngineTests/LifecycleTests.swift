import Testing
import TandemCore
import TandemEngine

@Suite struct LifecycleTests {
    @Test func ignoredAttributesKeepTheirLiveValue() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let first = try harness.configuration("resources:\n  mem_bucket.b: {name: b, versioning: Enabled, tags: {a: one}, settings: {retention: 1}}\n")
        try await harness.converge(first)
        let changed = try harness.configuration("""
        resources:
          mem_bucket.b:
            name: b
            versioning: Suspended
            tags: {a: two}
            settings: {retention: 2}
            lifecycle:
              ignore_changes: [tags, settings.retention]
        """)
        let plan = try await harness.plan(changed)
        let change = try #require(plan.change("mem_bucket.b"))
        #expect(change.action == .update)
        #expect(change.attributeChanges.map(\.path) == ["versioning"])
        #expect(try await harness.apply(plan, changed).succeeded)
        #expect(try harness.store.read()?.resource(address("mem_bucket.b"))?.attributes["tags"] == .map(["a": .string("one")]))

        let all = try harness.configuration("resources:\n  mem_bucket.b: {name: b, versioning: Enabled, lifecycle: {ignore_changes: all}}\n")
        #expect(try await harness.plan(all).hasChanges == false)
    }

    @Test func preventDestroyStopsReplacementsAndDestroyPlans() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let guarded = try harness.configuration("resources:\n  mem_bucket.b:\n    name: b\n    lifecycle: {prevent_destroy: true}\n  mem_bucket.other: {name: other}\n")
        try await harness.converge(guarded)
        // Destroying something else is fine.
        #expect(try await harness.plan(guarded, mode: .destroy, targets: [address("mem_bucket.other")]).resourceChanges.map(\.address.description) == ["mem_bucket.other"])
        await #expect { try await harness.plan(guarded, mode: .destroy) } throws: { error in
            let diagnostic = (error as? Diagnostics)?.errors.first
            return diagnostic?.summary == "mem_bucket.b cannot be destroyed" && diagnostic?.range?.description == "main.tandem.yaml:4:17"
        }
        let renamed = try harness.configuration("resources:\n  mem_bucket.b:\n    name: c\n    lifecycle: {prevent_destroy: true}\n")
        await #expect { try await harness.plan(renamed) } throws: { error in
            (error as? Diagnostics)?.errors.first?.detail?.contains("a change to name forces replacement") == true
        }
    }

    @Test func unknownIgnoredPathsAndLifecycleArgumentsAreErrors() throws {
        let harness = EngineHarness()
        let configuration = try harness.configuration("resources:\n  mem_bucket.b:\n    name: b\n    lifecycle: {ignore_changes: [tagz, settings.retention, arn]}\n")
        let errors = Validator.validate(configuration, registry: harness.registry).errors
        #expect(errors.map(\.summary) == [#"ignore_changes names no argument "tagz""#, #"ignore_changes names no argument "arn""#])
        #expect(errors.first?.detail?.contains(#"Did you mean "tags"?"#) == true)
        #expect(throws: Diagnostics.self) { try harness.configuration("resources:\n  mem_bucket.b:\n    name: b\n    lifecycle: {prevent_destory: true}\n") }
    }
}
