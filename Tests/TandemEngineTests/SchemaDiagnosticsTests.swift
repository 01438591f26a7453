import Testing
import TandemCore
import TandemEngine

@Suite struct SchemaDiagnosticsTests {
    private func errors(_ text: String) throws -> [Diagnostic] {
        let harness = EngineHarness()
        return Validator.validate(try harness.configuration(text), registry: harness.registry).errors
    }

    @Test func unknownArgumentSuggestsTheClosestAndPointsAtTheKey() throws {
        let error = try #require(try errors("resources:\n  mem_bucket.b:\n    name: b\n    versoning: Enabled\n").first)
        #expect(error.summary == #"Unsupported argument "versoning""#)
        #expect(error.detail?.contains(#"Did you mean "versioning"?"#) == true)
        #expect(error.range?.description == "main.tandem.yaml:4:5")
        #expect(error.address == "mem_bucket.b")
    }

    @Test func missingRequiredArgumentPointsAtTheResource() throws {
        let error = try #require(try errors("resources:\n  mem_bucket.b:\n    versioning: Enabled\n").first)
        #expect(error.summary == #"Missing required argument "name""#)
        #expect(error.range?.start.line == 2)
    }

    @Test func wrongTypesSayExpectedAndActual() throws {
        let found = try errors("resources:\n  mem_bucket.b:\n    name: [a, b]\n    settings:\n      retention: lots\n")
        #expect(found.map(\.summary).contains(#"Invalid type for "name""#))
        let nested = try #require(found.first { $0.summary == #"Invalid type for "settings.retention""# })
        #expect(nested.detail == #"Expected number, got string "lots"."#)
        #expect(nested.range?.description == "main.tandem.yaml:5:18")
    }

    @Test func restrictedValuesAndComputedAttributesAreChecked() throws {
        let found = try errors("resources:\n  mem_bucket.b:\n    name: b\n    versioning: enabled\n    arn: x\n")
        #expect(found.map(\.summary).contains(#"Invalid value for "versioning""#))
        #expect(found.first { $0.summary.hasPrefix("Invalid value") }?.detail?.contains(#"Did you mean "Enabled"?"#) == true)
        #expect(found.map(\.summary).contains(#"Cannot set computed attribute "arn""#))
    }

    @Test func cyclesListEveryResourceInTheCycle() throws {
        let found = try errors("""
        resources:
          mem_queue.a: {name: a, dlq_arn: "${mem_queue.b.arn}"}
          mem_queue.b: {name: b, dlq_arn: "${mem_queue.a.arn}"}
        """)
        #expect(found.map(\.summary).contains("Dependency cycle: mem_queue.a -> mem_queue.b -> mem_queue.a"))
    }

    @Test func unknownResourceTypesAndReferencesSuggestNames() throws {
        let found = try errors("""
        resources:
          mem_buckt.b: {name: b}
          mem_queue.q: {name: q, dlq_arn: "${mem_queue.dql.arn}"}
        """)
        #expect(found.first { $0.summary == #"Unknown resource type "mem_buckt""# }?.detail?.contains(#""mem_bucket""#) == true)
        let reference = try #require(found.first { $0.summary == #"Reference to undeclared resource "mem_queue.dql""# })
        #expect(reference.range?.description == "main.tandem.yaml:3:38")
        #expect(found.filter { $0.summary.contains("mem_queue.dql") }.count == 1)
    }
}
