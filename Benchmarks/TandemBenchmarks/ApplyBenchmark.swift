import Foundation
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState
import TandemTesting

/// `apply N...`: plans N `mem_bucket`s (instant creates in the in-memory provider) and applies them through the
/// Applier with a `LocalStateStore` in a scratch directory, timing the apply alone; optionally the same count of
/// `terraform_data` resources with `terraform apply`.
struct ApplyBenchmark {
    let counts: [Int]
    let parallelism: Int
    let terraform: Bool

    init(arguments: [String]) {
        var counts: [Int] = []
        var parallelism = 10
        var terraform = false
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--parallelism": parallelism = remaining.popFirst().flatMap(Int.init) ?? parallelism
            case "--terraform": terraform = true
            default: if let count = Int(argument) { counts.append(count) }
            }
        }
        self.counts = counts.isEmpty ? [1_000, 10_000, 30_000] : counts
        self.parallelism = parallelism
        self.terraform = terraform
    }

    func run() async throws {
        for count in counts {
            let (plan, apply, stateBytes) = try await measureTandem(count)
            print(String(format: "tandem apply, %d instant creates, parallelism %d: plan %.2f s, apply %.2f s (%.1f µs per create), state file %.1f MB",
                         count, parallelism, plan, apply, apply / Double(count) * 1e6, Double(stateBytes) / 1e6))
            if terraform {
                let seconds = try await measureTerraform(count)
                print(String(format: "terraform apply, %d terraform_data, parallelism %d: %.2f s (plan and apply; %.1f µs per resource)",
                             count, parallelism, seconds, seconds / Double(count) * 1e6))
            }
        }
    }

    /// Plan and apply times in seconds, and the size of the state file written.
    private func measureTandem(_ count: Int) async throws -> (Double, Double, Int) {
        let directory = try ExternalCommand.scratchDirectory("apply-benchmark")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = """
            variables:
              names: {type: list}
            resources:
              mem_bucket.b:
                for_each: ${toset(var.names)}
                name: b-${each.key}
            """
        let variables: [String: Value] = ["names": .list((0..<count).map { .string(String(format: "%06d", $0)) })]
        let (configuration, diagnostics) = ConfigurationLoader.parse(sources: [("main.tandem.yaml", text)], directory: ".")
        precondition(!diagnostics.hasErrors, "\(diagnostics.errors)")
        let registry = ProviderRegistry([InMemoryProvider(cloud: InMemoryCloud())])
        let store = LocalStateStore(path: directory + "/state/default.json")
        let clock = ContinuousClock()
        let planStarted = clock.now
        let sessions = ProviderSessions(registry: registry, configuration: configuration, variables: variables, environment: [:])
        let plan = try await Planner(registry: registry, sessions: sessions)
            .plan(PlanRequest(configuration: configuration, variables: variables, state: try store.read()))
        let planned = clock.now - planStarted
        let applyStarted = clock.now
        let recorder = StateRecorder(state: try store.read(), store: store)
        let result = await Applier(registry: registry, sessions: sessions)
            .apply(plan, configuration: configuration, recorder: recorder, parallelism: parallelism, hooks: ApplyHooks())
        let applied = clock.now - applyStarted
        precondition(result.succeeded, "\(result.diagnostics)")
        let written = try store.read()
        precondition(written?.resources.count == count, "the state holds \(written?.resources.count ?? 0) of \(count) resources")
        let bytes = (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? NSNumber)?.intValue ?? 0
        return (ExternalCommand.seconds(planned), ExternalCommand.seconds(applied), bytes)
    }

    /// Seconds `terraform apply -auto-approve` takes to create `count` terraform_data resources (after `terraform init`).
    private func measureTerraform(_ count: Int) async throws -> Double {
        let workspace = try await TerraformWorkspace(configuration: """
            resource "terraform_data" "r" {
              count = \(count)
              input = "r-${count.index}"
            }
            """)
        defer { workspace.remove() }
        return try await workspace.run(["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=\(parallelism)"]).seconds
    }
}
