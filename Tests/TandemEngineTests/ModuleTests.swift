import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemTesting

@Suite struct ModuleTests {
    /// A queue-with-dead-letter-queue module, like modules/aws-sqs-with-dlq but on the in-memory provider.
    static let queueModule = """
    variables:
      name: {type: string, description: queue name}
      max_receive_count:
        default: 5
        validation: {condition: "${var.max_receive_count > 0}", error_message: at least one receive}
    resources:
      mem_queue.dlq:
        name: ${var.name}-dlq
      mem_queue.main:
        name: ${var.name}
        dlq_arn: ${mem_queue.dlq.arn}
    outputs:
      arn: ${mem_queue.main.arn}
      dlq_arn: ${mem_queue.dlq.arn}
    """

    @Test func moduleInstancesHaveTheirOwnAddressesInputsAndOutputs() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.load([
            "modules/queue/main.tandem.yaml": Self.queueModule,
            "config/main.tandem.yaml": """
            modules:
              events:
                source: ../modules/queue
                for_each: {eu: 3, za: 7}
                inputs:
                  name: events-${each.key}
                  max_receive_count: ${each.value}
            resources:
              mem_bucket.audit:
                name: audit
                tags: {queue: '${module.events["za"].arn}'}
            outputs:
              za_dlq: ${module.events["za"].dlq_arn}
            """,
        ])
        let plan = try await harness.plan(configuration)
        #expect(plan.resourceChanges.map(\.address.description) == [
            "mem_bucket.audit",
            #"module.events["eu"].mem_queue.dlq"#, #"module.events["eu"].mem_queue.main"#,
            #"module.events["za"].mem_queue.dlq"#, #"module.events["za"].mem_queue.main"#,
        ])
        #expect(plan.change(#"module.events["za"].mem_queue.main"#)?.after?.value["name"] == .string("events-za"))
        // The bucket reads the module's output, which reads the queue inside: the dependency crosses the module boundary.
        #expect(plan.change("mem_bucket.audit")?.dependencies.map(\.description) == [#"module.events["za"].mem_queue.main"#])
        #expect(try await harness.apply(plan, configuration).succeeded)
        let state = try #require(try harness.store.read())
        #expect(state.resource(address("mem_bucket.audit"))?.attributes["tags"] == .map(["queue": .string("arn:mem:mem_queue:events-za")]))
        #expect(state.outputs["za_dlq"]?.value == .string("arn:mem:mem_queue:events-za-dlq"))
        #expect(try await harness.plan(configuration).hasChanges == false)
    }

    @Test func callSiteMistakesAreReportedWhereTheCallIs() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        try harness.write(["modules/queue/main.tandem.yaml": Self.queueModule, "config/main.tandem.yaml": """
            modules:
              events:
                source: ../modules/queue
                inputs:
                  nmae: events
                  max_receive_count: 0
              missing:
                source: ../modules/nowhere
            outputs:
              url: ${module.events.url}
              other: ${module.evnets.arn}
            """])
        let (loaded, loadDiagnostics) = ConfigurationLoader.load(directory: harness.directory + "/config")
        let configuration = try #require(loaded)
        var errors = loadDiagnostics.errors
        errors += Validator.validate(configuration, registry: harness.registry).errors
        func located(_ summary: String) -> String? {
            errors.first { $0.summary == summary }.map { "\($0.range.map { "\(($0.file as NSString).lastPathComponent):\($0.start.line):\($0.start.column)" } ?? "-")" }
        }
        #expect(located(#"Module source "../modules/nowhere" not found"#) == "main.tandem.yaml:8:13")
        #expect(located(#"Module "events" has no variable "nmae""#) == "main.tandem.yaml:5:7")
        #expect(errors.first { $0.summary == #"Module "events" has no variable "nmae""# }?.detail?.contains(#"Did you mean "name"?"#) == true)
        #expect(located(#"Missing input "name" for module "events""#) == "main.tandem.yaml:2:3")
        #expect(located(#"Module "events" has no output "url""#) == "main.tandem.yaml:10:10")
        #expect(located(#"Reference to undeclared module "evnets""#) == "main.tandem.yaml:11:12")
        #expect(errors.first { $0.summary == #"Reference to undeclared module "evnets""# }?.detail?.contains(#"Did you mean "events"?"#) == true)
        // A validation rule of the module's variable is checked against the value the call passes.
        #expect(located(#"Invalid value for module input "max_receive_count""#) == "main.tandem.yaml:6:26")
        #expect(errors.first { $0.summary == #"Invalid value for module input "max_receive_count""# }?.detail?.hasPrefix("at least one receive") == true)
    }

    @Test func modulesNestAndReceiveAliasedProviders() async throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.load([
            "modules/queue/main.tandem.yaml": Self.queueModule,
            "modules/site/main.tandem.yaml": """
            variables:
              site: {}
            modules:
              queue:
                source: ../queue
                inputs: {name: "${var.site}-events"}
            resources:
              mem_bucket.replica:
                provider: mem.dest
                name: ${var.site}-replica
            outputs:
              queue_arn: ${module.queue.arn}
            """,
            "config/main.tandem.yaml": """
            providers:
              mem: {}
              mem.backup: {region: far}
            modules:
              site:
                source: ../modules/site
                inputs: {site: edge}
                providers: {mem.dest: mem.backup}
            outputs:
              arn: ${module.site.queue_arn}
            """,
        ])
        let plan = try await harness.plan(configuration)
        #expect(plan.change("module.site.module.queue.mem_queue.main")?.provider == "mem")
        #expect(plan.change("module.site.mem_bucket.replica")?.provider == "mem.backup")
        #expect(try await harness.apply(plan, configuration).succeeded)
        #expect(try harness.store.read()?.outputs["arn"]?.value == .string("arn:mem:mem_queue:edge-events"))

        // Without the mapping, the module's aliased provider is an error at the resource that uses it.
        let unmapped = try harness.load(["config/main.tandem.yaml": """
            modules:
              site: {source: ../modules/site, inputs: {site: edge}}
            """])
        let errors = Validator.validate(unmapped, registry: harness.registry).errors
        #expect(errors.map(\.summary) == [#"Module "site" was not passed provider "mem.dest""#])
        #expect(errors.first?.range?.file.hasSuffix("modules/site/main.tandem.yaml") == true)
    }

    @Test func moduleLoopsAndProviderBlocksInModulesAreRejected() throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        try harness.write([
            "modules/a/main.tandem.yaml": "modules:\n  b: {source: ../b}\n",
            "modules/b/main.tandem.yaml": "providers:\n  mem: {}\nmodules:\n  a: {source: ../a}\n",
            "config/main.tandem.yaml": "modules:\n  a: {source: ../modules/a}\n",
        ])
        let (_, diagnostics) = ConfigurationLoader.load(directory: harness.directory + "/config")
        let summaries = diagnostics.errors.map(\.summary)
        #expect(summaries.contains("A module cannot declare providers"))
        #expect(summaries.contains(#"Module "a" calls itself"#))
        #expect(diagnostics.errors.first { $0.summary == #"Module "a" calls itself"# }?.detail == "Module calls form a loop: a -> b -> a.")
    }

    @Test func sensitiveValuesStaySensitiveThroughModules() throws {
        let harness = EngineHarness()
        defer { harness.cleanUp() }
        let configuration = try harness.load([
            "modules/secret/main.tandem.yaml": "variables:\n  password: {}\nresources:\n  mem_bucket.b: {name: b, tags: {p: \"${var.password}\"}}\noutputs:\n  tags: ${mem_bucket.b.tags}\n",
            "config/main.tandem.yaml": "variables:\n  password: {sensitive: true, default: hunter2}\nmodules:\n  secret:\n    source: ../modules/secret\n    inputs: {password: \"${var.password}\"}\n",
        ])
        let errors = Validator.validate(configuration, registry: harness.registry).errors
        #expect(errors.map(\.summary) == [#"Output "tags" refers to sensitive values"#])
        #expect(errors.first?.range?.file.hasSuffix("modules/secret/main.tandem.yaml") == true)
    }
}
