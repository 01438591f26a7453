import ChildProcess
import Foundation
import TandemCore
import TandemEngine
import TandemLanguage
import TandemTesting

/// One size of the in-memory plan benchmark: N `mem_bucket` instances of one `for_each`, loaded from text and planned
/// against the in-memory provider (no state), several times. Each size runs in a process of its own
/// (`tandem-benchmarks plan-instances N ITERATIONS`), so the peak memory it reports is that size's alone.
struct InMemoryPlanMeasurement: Codable {
    /// Instances planned.
    var instances: Int
    /// Seconds per run, fastest first.
    var durations: [Double]
    /// How far the peak resident set size (`VmHWM`) rose during the first run above the resident size before it, in
    /// bytes: the memory one plan took at its peak, the input variable already built. Later runs are left out: one
    /// may run on another thread, whose malloc arena would add the memory the first run freed but kept.
    var peakGrowthBytes: Int

    /// The median run.
    var median: Double { durations[durations.count / 2] }

    static let configuration = """
        variables:
          sites: {type: list}
        resources:
          mem_bucket.replica:
            for_each: ${toset(var.sites)}
            name: replica-${each.key}
            tags: {site: "${each.value}"}
        """

    /// Measures `count` instances `iterations` times in this process.
    static func measure(count: Int, iterations: Int) async throws -> InMemoryPlanMeasurement {
        let variables: [String: Value] = ["sites": .list((0..<count).map { .string(String(format: "site-%06d", $0)) })]
        let registry = ProviderRegistry([InMemoryProvider(cloud: InMemoryCloud())])
        let residentBefore = ProcessMemory.resident
        var durations: [Double] = []
        var peakGrowth = 0
        for _ in 0..<iterations {
            let started = ContinuousClock.now
            let (configuration, diagnostics) = ConfigurationLoader.parse(sources: [("main.tandem.yaml", Self.configuration)], directory: ".")
            precondition(!diagnostics.hasErrors, "\(diagnostics.errors)")
            let sessions = ProviderSessions(registry: registry, configuration: configuration, variables: variables, environment: [:])
            let plan = try await Planner(registry: registry, sessions: sessions)
                .plan(PlanRequest(configuration: configuration, variables: variables, state: nil))
            durations.append(ExternalCommand.seconds(ContinuousClock.now - started))
            precondition(plan.resourceChanges.count == count, "planned \(plan.resourceChanges.count) of \(count) instances")
            if durations.count == 1 { peakGrowth = ProcessMemory.peakResident - residentBefore }
        }
        return InMemoryPlanMeasurement(instances: count, durations: durations.sorted(), peakGrowthBytes: peakGrowth)
    }

    /// Measures `count` instances in a child process running this benchmark binary.
    static func measureInChildProcess(count: Int, iterations: Int) async throws -> InMemoryPlanMeasurement {
        let program = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let outcome = try await ChildProcess.run([program, "plan-instances", String(count), String(iterations)],
                                                 environment: ProcessInfo.processInfo.environment)
        guard outcome.status == 0 else { throw ProviderError("plan-instances \(count) failed (exit \(outcome.status)): \(outcome.standardError)") }
        return try JSONDecoder().decode(InMemoryPlanMeasurement.self, from: Data(outcome.standardOutput))
    }
}
