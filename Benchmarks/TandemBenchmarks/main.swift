import Foundation
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState
import TandemTesting

// Measures evaluating and planning large configurations against the in-memory provider:
//   swift run -c release tandem-benchmarks [ITERATIONS]
// Each case loads the configuration text, expands for_each, builds the graph and plans (refresh included).
//
// Measures applying N instant creates through the Applier onto a real local state store (journal and state file):
//   swift run -c release tandem-benchmarks apply N [N ...] [--parallelism P] [--terraform]
// With --terraform, `terraform apply` creates the same number of terraform_data resources in a scratch directory.
//
// Measures planning N instances, in memory and with the tandem binary, with time per 1k instances and peak memory:
//   swift run -c release tandem-benchmarks plan N [N ...] [--iterations K] [--cli-runs R] [--terraform] [--terraform-up-to M]
// With --terraform, `terraform plan -refresh=false` plans N terraform_data resources for every N up to M (1,000).

/// One benchmark case: a configuration and the variables it is planned with.
struct BenchmarkCase {
    let name: String
    let text: String
    let variables: [String: Value]
}

let sites = (0..<10_000).map { Value.string(String(format: "site-%05d", $0)) }
let halfSites = Array(sites.prefix(5_000))
let cases = [
    BenchmarkCase(name: "10,000 instances of one resource (for_each)", text: InMemoryPlanMeasurement.configuration, variables: ["sites": .list(sites)]),
    BenchmarkCase(name: "10,000 instances, 5,000 queues each referring to its own dead-letter queue", text: """
        variables:
          sites: {type: list}
        locals:
          prefix: rciis
        resources:
          mem_queue.dlq:
            for_each: ${toset(var.sites)}
            name: ${local.prefix}-${each.key}-dlq
          mem_queue.events:
            for_each: ${toset(var.sites)}
            name: ${local.prefix}-${each.key}-events
            dlq_arn: ${mem_queue.dlq[each.key].arn}
        outputs:
          queue_count: ${length(mem_queue.events)}
        """, variables: ["sites": .list(halfSites)]),
]

switch CommandLine.arguments.dropFirst().first {
case "apply":
    try await ApplyBenchmark(arguments: Array(CommandLine.arguments.dropFirst(2))).run()
    exit(0)
case "plan":
    try await PlanBenchmark(arguments: Array(CommandLine.arguments.dropFirst(2))).run()
    exit(0)
case "plan-instances":
    // One size of `plan`, in a process of its own (see InMemoryPlanMeasurement); prints the measurement as JSON.
    let arguments = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }
    let measured = try await InMemoryPlanMeasurement.measure(count: arguments[0], iterations: arguments[1])
    print(String(decoding: try JSONEncoder().encode(measured), as: UTF8.self))
    exit(0)
default:
    break
}

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5
let registry = ProviderRegistry([InMemoryProvider(cloud: InMemoryCloud())])
let clock = ContinuousClock()

func milliseconds(_ duration: Duration, decimals: Int = 0) -> String {
    String(format: "%.\(decimals)f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
}

for benchmark in cases {
    var durations: [Duration] = []
    var instances = 0
    for _ in 0..<iterations {
        let started = clock.now
        let (configuration, diagnostics) = ConfigurationLoader.parse(sources: [("main.tandem.yaml", benchmark.text)], directory: ".")
        precondition(!diagnostics.hasErrors, "\(diagnostics.errors)")
        let sessions = ProviderSessions(registry: registry, configuration: configuration, variables: benchmark.variables, environment: [:])
        let plan = try await Planner(registry: registry, sessions: sessions)
            .plan(PlanRequest(configuration: configuration, variables: benchmark.variables, state: nil))
        durations.append(clock.now - started)
        instances = plan.resourceChanges.count
    }
    durations.sort()
    print("\(benchmark.name): \(instances) planned; median \(milliseconds(durations[durations.count / 2])), best \(milliseconds(durations[0])) over \(iterations) runs")
}

// Hostile input: refusing a 9-level alias bomb (10^9 nodes if its aliases were expanded) at the alias that crosses the
// budget, from loading the text to the diagnostic.
let bomb = (["locals:", "  a0: &a0 [" + Array(repeating: "lol", count: 10).joined(separator: ", ") + "]"]
    + (1...9).map { "  a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]" }).joined(separator: "\n")
var refusals: [Duration] = []
for _ in 0..<iterations {
    let started = clock.now
    let (_, diagnostics) = ConfigurationLoader.parse(sources: [("bomb.tandem.yaml", bomb)], directory: ".")
    refusals.append(clock.now - started)
    precondition(diagnostics.errors.map(\.summary) == ["YAML aliases expand too far"], "\(diagnostics.errors)")
}
refusals.sort()
print("9-level alias bomb refused: median \(milliseconds(refusals[refusals.count / 2], decimals: 2)), best \(milliseconds(refusals[0], decimals: 2)) over \(iterations) runs")
