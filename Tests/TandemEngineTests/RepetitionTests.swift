import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemTesting

@Suite struct RepetitionTests {
    static let sites = """
    variables:
      sites:
        default: {eu: eu-west-1, za: af-south-1}
    resources:
      mem_queue.dlq:
        for_each: ${var.sites}
        name: dlq-${each.key}
      mem_queue.events:
        for_each: ${var.sites}
        name: events-${each.key}-${each.value}
        dlq_arn: ${mem_queue.dlq[each.key].arn}
    outputs:
      queues: ${length(mem_queue.events)}
      za_dlq: ${mem_queue.dlq["za"].arn}
    """

    @Test func forEachMakesOneKeyedInstancePerEntry() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.sites)
        let plan = try await harness.plan(configuration)
        #expect(plan.resourceChanges.map(\.address.description)
            == [#"mem_queue.dlq["eu"]"#, #"mem_queue.dlq["za"]"#, #"mem_queue.events["eu"]"#, #"mem_queue.events["za"]"#])
        let events = try #require(plan.change(#"mem_queue.events["za"]"#))
        #expect(events.after?.value["name"] == .string("events-za-af-south-1"))
        // Each queue depends on its own dead-letter queue only, not on every instance.
        #expect(events.dependencies.map(\.description) == [#"mem_queue.dlq["za"]"#])
        #expect(events.after?.value["dlq_arn"] == .unknown)
        #expect(plan.outputChanges.first { $0.name == "queues" }?.after?.value == .number(2))

        #expect(try await harness.apply(plan, configuration).succeeded)
        let state = try #require(try harness.store.read())
        #expect(state.resource(address(#"mem_queue.events["eu"]"#))?.attributes["dlq_arn"] == .string("arn:mem:mem_queue:dlq-eu"))
        #expect(state.outputs["za_dlq"]?.value == .string("arn:mem:mem_queue:dlq-za"))
        #expect(try await harness.plan(configuration).hasChanges == false)

        // Dropping a key deletes that key's instances and nothing else.
        let fewer = try harness.configuration(Self.sites.replacingOccurrences(of: "{eu: eu-west-1, za: af-south-1}", with: "{za: af-south-1}")
            .replacingOccurrences(of: "za_dlq: ${mem_queue.dlq[\"za\"].arn}", with: ""))
        let shrink = try await harness.plan(fewer)
        #expect(shrink.resourceChanges.filter { $0.action != .noop }.map(\.address.description) == [#"mem_queue.dlq["eu"]"#, #"mem_queue.events["eu"]"#])
        #expect(shrink.resourceChanges.filter { $0.action != .noop }.allSatisfy { $0.action == .delete })
    }

    @Test func countNumbersInstancesAndShrinksFromTheEnd() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let three = try harness.configuration("resources:\n  mem_bucket.copy:\n    count: 3\n    name: copy-${count.index}\noutputs:\n  second: ${mem_bucket.copy[1].name}\n")
        let plan = try await harness.plan(three)
        #expect(plan.resourceChanges.map(\.address.description) == ["mem_bucket.copy[0]", "mem_bucket.copy[1]", "mem_bucket.copy[2]"])
        #expect(plan.outputChanges.first?.after?.value == .string("copy-1"))
        try await harness.converge(three)
        let two = try harness.configuration("resources:\n  mem_bucket.copy:\n    count: 2\n    name: copy-${count.index}\n")
        let shrink = try await harness.plan(two)
        #expect(shrink.resourceChanges.filter { $0.action != .noop }.map { "\($0.action.rawValue) \($0.address)" } == ["delete mem_bucket.copy[2]"])
    }

    @Test func targetWithoutKeyNamesEveryInstance() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.sites)
        let plan = try await harness.plan(configuration, targets: [address("mem_queue.dlq")])
        #expect(plan.resourceChanges.map(\.address.description) == [#"mem_queue.dlq["eu"]"#, #"mem_queue.dlq["za"]"#])
    }

    @Test func repetitionMistakesAreLocatedErrors() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let cases: [(String, String, String)] = [
            ("resources:\n  mem_bucket.a: {name: a}\n  mem_bucket.b:\n    for_each: ${mem_bucket.a.tags}\n    name: b-${each.key}\n",
             "for_each of mem_bucket.b is not known until apply", "main.tandem.yaml:4:17"),
            ("resources:\n  mem_bucket.b:\n    for_each: 3\n    name: b\n", "Invalid for_each", "main.tandem.yaml:3:15"),
            ("resources:\n  mem_bucket.b:\n    for_each: [a, a]\n    name: b-${each.key}\n", "Duplicate for_each key", "main.tandem.yaml:3:15"),
            ("resources:\n  mem_bucket.b:\n    count: -1\n    name: b\n", "Invalid count", "main.tandem.yaml:3:12"),
            ("resources:\n  mem_bucket.b:\n    count: 1000000000\n    name: b\n", "count is too large", "main.tandem.yaml:3:12"),
            ("resources:\n  mem_bucket.b:\n    name: b-${each.key}\n", "each is only available with for_each", "main.tandem.yaml:3:15"),
            ("resources:\n  mem_bucket.b:\n    count: 1\n    for_each: [a]\n    name: b\n", "count and for_each cannot be used together", "main.tandem.yaml:4:5"),
            ("variables:\n  names: {sensitive: true, default: [a]}\nresources:\n  mem_bucket.b:\n    for_each: ${var.names}\n    name: b-${each.key}\n",
             "for_each cannot use sensitive values", "main.tandem.yaml:5:17"),
        ]
        for (text, summary, location) in cases {
            let (configuration, loadDiagnostics) = ConfigurationLoader.parse(sources: [("main.tandem.yaml", text)], directory: ".")
            var errors = loadDiagnostics.errors
            if errors.isEmpty {
                do {
                    _ = try await harness.plan(configuration)
                } catch let diagnostics as Diagnostics {
                    errors = diagnostics.errors
                }
            }
            let match = errors.first { $0.summary == summary }
            #expect(match?.range?.description == location, "\(summary): got \(errors.map { "\($0.summary) at \($0.range?.description ?? "-")" })")
        }
    }

    @Test func indexesComputedFromLocalsAndPreviousInstancesWork() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        // The index reads local.k (an edge apply must follow); each queue after the first points at the one before.
        let configuration = try harness.configuration("""
        locals: {k: b}
        resources:
          mem_queue.q:
            for_each: [a, b]
            name: q-${each.key}
          mem_queue.main: {name: main, dlq_arn: '${mem_queue.q[local.k].arn}'}
          mem_queue.chain:
            count: 3
            name: chain-${count.index}
            dlq_arn: '${count.index == 0 ? "none" : mem_queue.chain[count.index - 1].arn}'
        """)
        let result = try await harness.converge(configuration)
        #expect(result.succeeded, "\(result.diagnostics.errors)")
        let state = try #require(try harness.store.read())
        #expect(state.resource(address("mem_queue.main"))?.attributes["dlq_arn"] == .string("arn:mem:mem_queue:q-b"))
        #expect(state.resource(address("mem_queue.chain[2]"))?.attributes["dlq_arn"] == .string("arn:mem:mem_queue:chain-1"))
        #expect(state.resource(address("mem_queue.chain[2]"))?.dependencies.map(\.description) == ["mem_queue.chain[1]"])
    }

    @Test func repetitionErrorsOfEveryModuleInstanceAreReportedWithoutValues() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.load([
            "modules/m/main.tandem.yaml": "variables:\n  n: {}\nresources:\n  mem_bucket.b:\n    count: ${var.n}\n    name: b-${count.index}\n",
            "config/main.tandem.yaml": "variables:\n  secret: {default: hunter2, sensitive: true}\nmodules:\n  m:\n    source: ../modules/m\n    for_each: {a: 1, b: -1}\n    inputs: {n: '${each.value}'}\nresources:\n  mem_bucket.s:\n    for_each: ['${var.secret}', '${var.secret}']\n    name: s\n",
        ])
        await #expect { try await harness.plan(configuration) } throws: { error in
            let errors = (error as? Diagnostics)?.errors ?? []
            return errors.contains { $0.summary == "Invalid count" && $0.range?.file.hasSuffix("modules/m/main.tandem.yaml") == true }
                && errors.contains { $0.summary == "Duplicate for_each key" }
                && !errors.contains { "\($0.summary) \($0.detail ?? "")".contains("hunter2") }
        }
    }

    @Test func validateChecksRepeatedBodiesEvenWhenTheKeysAreNotKnownYet() throws {
        let harness = EngineHarness()
        let configuration = try harness.configuration("variables:\n  sites: {type: list}\nresources:\n  mem_bucket.b:\n    for_each: ${toset(var.sites)}\n    name: b-${each.key}\n    versoning: Enabled\n")
        let errors = Validator.validate(configuration, registry: harness.registry).errors
        #expect(errors.map(\.summary) == [#"Unsupported argument "versoning""#])
        // Instances of an unknown set read as unknown, so picking one is not an error either.
        let picked = try harness.configuration("variables:\n  sites: {type: map}\n  n: {type: number}\nresources:\n  mem_bucket.b:\n    for_each: ${var.sites}\n    name: b-${each.key}\n  mem_bucket.c:\n    count: ${var.n}\n    name: c-${count.index}\n  mem_queue.q: {name: q, dlq_arn: '${mem_bucket.b[\"eu\"].arn}-${mem_bucket.c[1].arn}'}\n")
        #expect(Validator.validate(picked, registry: harness.registry).errors.isEmpty)
        // A count read from a resource can never be known while planning: validate says so too.
        let late = try harness.configuration("resources:\n  mem_bucket.x: {name: x}\n  mem_bucket.y:\n    count: ${length(mem_bucket.x.tags)}\n    name: y\n")
        #expect(Validator.validate(late, registry: harness.registry).errors.map(\.summary) == ["count of mem_bucket.y is not known until apply"])
    }
}
