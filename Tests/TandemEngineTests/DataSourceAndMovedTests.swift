import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemTesting

@Suite struct DataSourceAndMovedTests {
    @Test func dataSourcesAreReadWhilePlanningAndTheirValuesAreKnown() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        try await harness.converge(try harness.configuration("resources:\n  mem_bucket.shared: {name: shared, versioning: Enabled}\n"))
        // A second configuration (its own state) looks the bucket up instead of managing it.
        let other = EngineHarness()
        defer { other.cleanUp() }
        let reader = try other.configuration("""
        data:
          mem_bucket.shared:
            name: shared
        resources:
          mem_queue.events:
            name: events
            dlq_arn: ${data.mem_bucket.shared.arn}
        outputs:
          shared_versioning: ${data.mem_bucket.shared.versioning}
        """)
        let sharedOther = EngineHarness(cloud: harness.cloud, directory: other.directory)
        let plan = try await sharedOther.plan(reader)
        #expect(plan.change("mem_queue.events")?.after?.value["dlq_arn"] == .string("arn:mem:mem_bucket:shared"))
        #expect(plan.dataSources["data.mem_bucket.shared"]?["versioning"] == .string("Enabled"))
        #expect(plan.resourceChanges.map(\.address.description) == ["mem_queue.events"], "data sources are read, never planned as changes")
        #expect(try await sharedOther.apply(plan, reader).succeeded)
        #expect(try sharedOther.store.read()?.outputs["shared_versioning"]?.value == .string("Enabled"))
        #expect(try sharedOther.store.read()?.resources.map(\.address.description) == ["mem_queue.events"])
    }

    @Test func dataSourceProblemsAreLocated() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let missing = try harness.configuration("data:\n  mem_bucket.gone:\n    name: gone\n")
        await #expect { try await harness.plan(missing) } throws: { error in
            let diagnostic = (error as? Diagnostics)?.errors.first
            return diagnostic?.summary == "Read of data.mem_bucket.gone failed (argument name)" && diagnostic?.detail == "no mem_bucket named gone"
        }
        let late = try harness.configuration("resources:\n  mem_bucket.b: {name: b}\ndata:\n  mem_bucket.late:\n    name: ${mem_bucket.b.arn}\n")
        await #expect { try await harness.plan(late) } throws: { error in
            let diagnostic = (error as? Diagnostics)?.errors.first
            return diagnostic?.summary == "data.mem_bucket.late depends on values known only after apply" && diagnostic?.range?.description == "main.tandem.yaml:4:3"
        }
        let typo = try harness.configuration("data:\n  mem_buckt.x: {name: x}\nresources:\n  mem_bucket.b: {name: '${data.mem_bucket.y.arn}'}\n")
        let errors = Validator.validate(typo, registry: harness.registry).errors.map(\.summary)
        #expect(errors == [#"Unknown data source type "mem_buckt""#, #"Reference to undeclared data source "data.mem_bucket.y""#])
    }

    @Test func movedRenamesTheRecordedObjectWithoutReplacingIt() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        try await harness.converge(try harness.configuration("resources:\n  mem_bucket.old: {name: archive}\n  mem_queue.q:\n    for_each: [a, b]\n    name: q-${each.key}\n"))
        let renamed = try harness.configuration("""
        resources:
          mem_bucket.archive: {name: archive}
          mem_queue.queue:
            for_each: [a, b]
            name: q-${each.key}
        moved:
          - {from: mem_bucket.old, to: mem_bucket.archive}
          - {from: mem_queue.q, to: mem_queue.queue}
        """)
        let plan = try await harness.plan(renamed)
        #expect(plan.resourceChanges.map { "\($0.action.rawValue) \($0.address) from \($0.movedFrom?.description ?? "-")" } == [
            "no-op mem_bucket.archive from mem_bucket.old",
            #"no-op mem_queue.queue["a"] from mem_queue.q["a"]"#,
            #"no-op mem_queue.queue["b"] from mem_queue.q["b"]"#,
        ])
        #expect(plan.hasChanges)
        let operationsBefore = await harness.cloud.operations
        #expect(try await harness.apply(plan, renamed).succeeded)
        #expect(await harness.cloud.operations == operationsBefore, "a move touches no object")
        #expect(try harness.store.read()?.resources.map(\.address.description) == ["mem_bucket.archive", #"mem_queue.queue["a"]"#, #"mem_queue.queue["b"]"#])
        // The entry can stay: once applied, it has nothing left to move.
        #expect(try await harness.plan(renamed).hasChanges == false)
    }

    @Test func movedChainsEndAtTheLastAddressInAnyOrder() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        try await harness.converge(try harness.configuration("resources:\n  mem_bucket.a: {name: kept}\n"))
        let chained = try harness.configuration("resources:\n  mem_bucket.c: {name: kept}\nmoved:\n  - {from: mem_bucket.b, to: mem_bucket.c}\n  - {from: mem_bucket.a, to: mem_bucket.b}\n")
        let plan = try await harness.plan(chained)
        #expect(plan.resourceChanges.map { "\($0.action.rawValue) \($0.address) from \($0.movedFrom?.description ?? "-")" } == ["no-op mem_bucket.c from mem_bucket.a"])
    }

    @Test func createBeforeDestroyCreatesTheNewObjectFirst() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        try await harness.converge(try harness.configuration("resources:\n  mem_bucket.b: {name: blue}\n  mem_queue.q: {name: q, dlq_arn: '${mem_bucket.b.arn}'}\n"))
        let green = try harness.configuration("resources:\n  mem_bucket.b:\n    name: green\n    lifecycle: {create_before_destroy: true}\n  mem_queue.q: {name: q, dlq_arn: '${mem_bucket.b.arn}'}\n")
        let plan = try await harness.plan(green)
        let change = try #require(plan.change("mem_bucket.b"))
        #expect(change.action == .replace && change.createBeforeDestroy && change.glyph == "+/-")
        #expect(try await harness.apply(plan, green).succeeded)
        // The old object goes only after what used it points at the new one.
        #expect(await harness.cloud.operations.suffix(3) == ["create green", "update q", "delete blue"])
        #expect(try harness.store.read()?.resource(address("mem_bucket.b"))?.attributes["name"] == .string("green"))
        #expect(try harness.store.read()?.deposed.isEmpty == true)
    }

    @Test func anOldObjectThatCouldNotBeDeletedStaysRecordedAndTheNextPlanDeletesIt() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        try await harness.converge(try harness.configuration("resources:\n  mem_bucket.b: {name: blue}\n"))
        let green = try harness.configuration("resources:\n  mem_bucket.b:\n    name: green\n    lifecycle: {create_before_destroy: true}\n")
        await harness.cloud.fail("delete blue")
        let failed = try await harness.apply(try await harness.plan(green), green)
        #expect(!failed.succeeded)
        #expect(failed.diagnostics.errors.map(\.summary) == ["The old object of mem_bucket.b could not be deleted"])
        // Nothing is forgotten: the new object is recorded, the old one stays recorded as deposed.
        let state = try #require(try harness.store.read())
        #expect(state.resource(address("mem_bucket.b"))?.attributes["name"] == .string("green"))
        #expect(state.deposed.map { $0.attributes["name"] } == [.string("blue")])

        await harness.cloud.recover("delete blue")
        let cleanUp = try await harness.plan(green)
        #expect(cleanUp.hasChanges && cleanUp.counts[.delete] == 1)
        #expect(cleanUp.deposedDeletes.map { $0.before?["name"] } == [.string("blue")])
        #expect(try await harness.apply(cleanUp, green).succeeded)
        #expect(await harness.cloud.object(type: "mem_bucket", name: "blue") == nil)
        #expect(try harness.store.read()?.deposed.isEmpty == true)
        #expect(try await harness.plan(green).hasChanges == false)
    }
}
