import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage

@Suite struct LocalsTests {
    static let configuration = """
    variables:
      env: {default: prod}
    locals:
      prefix: "rciis-${var.env}"
      queue_name: "${local.prefix}-events"
      dlq_arn: ${mem_queue.dlq.arn}
      tags:
        env: ${var.env}
        dlq: ${local.dlq_arn}
    resources:
      mem_queue.dlq:
        name: "${local.prefix}-dlq"
      mem_queue.events:
        name: ${local.queue_name}
        dlq_arn: ${local.dlq_arn}
      mem_bucket.b:
        name: ${local.prefix}
        tags: ${local.tags}
    outputs:
      prefix: ${local.prefix}
    """

    @Test func localsEvaluateInOrderAndCarryResourceDependencies() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration(Self.configuration)
        #expect(Validator.validate(configuration, registry: harness.registry).isEmpty)
        let plan = try await harness.plan(configuration, variables: ["env": .string("prod")])
        // events and b reach mem_queue.dlq only through local.dlq_arn: the edge is still there.
        #expect(plan.change("mem_queue.events")?.dependencies == [address("mem_queue.dlq")])
        #expect(plan.change("mem_bucket.b")?.dependencies == [address("mem_queue.dlq")])
        #expect(plan.change("mem_queue.events")?.after?.value["name"] == .string("rciis-prod-events"))
        #expect(plan.change("mem_queue.events")?.after?.value["dlq_arn"] == .unknown)
        #expect(try await harness.apply(plan, configuration).succeeded)
        let state = try #require(try harness.store.read())
        #expect(state.resource(address("mem_bucket.b"))?.attributes["tags"] == .map(["env": .string("prod"), "dlq": .string("arn:mem:mem_queue:rciis-prod-dlq")]))
        #expect(state.outputs["prefix"]?.value == .string("rciis-prod"))
        #expect(try await harness.plan(configuration, variables: ["env": .string("prod")]).hasChanges == false)
    }

    @Test func cyclesAndUndeclaredLocalsAreReportedWhereTheyAre() throws {
        let harness = EngineHarness()
        let configuration = try harness.configuration("""
        locals:
          a: ${local.b}
          b: "${local.a}-x"
          c: ${local.prefx}
        resources:
          mem_bucket.b:
            name: ${local.nme}
        """)
        let errors = Validator.validate(configuration, registry: harness.registry).errors
        #expect(errors.map(\.summary).contains("Local value cycle: local.a -> local.b -> local.a"))
        let undeclared = errors.filter { $0.summary.hasPrefix("Reference to undeclared local value") }
        #expect(Set(undeclared.map(\.summary)) == [#"Reference to undeclared local value "prefx""#, #"Reference to undeclared local value "nme""#])
        #expect(undeclared.count == 2)
        #expect(undeclared.first { $0.summary.contains("nme") }?.range?.description == "main.tandem.yaml:7:13")
    }

    @Test func localsReadingSecretsMakeWhatUsesThemSensitive() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let source = """
        variables:
          token: {default: hunter2, sensitive: true}
        locals:
          header: "Bearer ${var.token}"
        resources:
          mem_bucket.b: {name: b, tags: {auth: "${local.header}"}}
        """
        let leaky = try harness.configuration(source + "\noutputs:\n  header: ${local.header}\n")
        #expect(Validator.validate(leaky, registry: harness.registry).errors.map(\.summary) == [#"Output "header" refers to sensitive values"#])
        let safe = try harness.configuration(source)
        let plan = try await harness.plan(safe, variables: ["token": .string("hunter2")])
        #expect(plan.change("mem_bucket.b")?.sensitiveAttributes.contains("tags") == true)
        #expect(!String(decoding: try JSONEncoder().encode(plan.redacted()), as: UTF8.self).contains("hunter2"))
    }

    @Test func aSecretInsideABlockMasksOnlyItsEntry() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.configuration("""
        variables:
          token: {default: hunter2, sensitive: true}
        resources:
          mem_bucket.b: {name: b, settings: {retention: 37, owner: "${var.token}"}, tags: {auth: "${var.token}"}}
        """)
        let plan = try await harness.plan(configuration, variables: ["token": .string("hunter2")])
        #expect(plan.change("mem_bucket.b")?.sensitiveAttributes.sorted() == ["password", "settings.owner", "tags"],
                "a block is masked per entry, a map as a whole")
        let json = String(decoding: try JSONEncoder().encode(plan.redacted()), as: UTF8.self)
        #expect(!json.contains("hunter2") && json.contains("37"), "the secret is masked, the rest of the block is shown")
    }
}
