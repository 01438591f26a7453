import Foundation

/// `plan N... [--iterations K] [--cli-runs R] [--terraform] [--terraform-up-to M] [--tandem PATH]`: for each N,
/// the in-memory plan of N instances (`InMemoryPlanMeasurement`), then the `tandem plan` binary end to end on a
/// generated directory of N `for_each` instances (`CommandLinePlan`), and once with `--json`; with `--terraform`, `terraform plan
/// -refresh=false` of N `terraform_data` instances beside it, for N up to M (terraform takes about 25 s for 1,000).
struct PlanBenchmark {
    let counts: [Int]
    let iterations: Int
    let commandLineRuns: Int
    let terraform: Bool
    let terraformLimit: Int
    let tandemBinary: String

    init(arguments: [String]) {
        var counts: [Int] = []
        var iterations = 5
        var commandLineRuns = 2
        var terraform = false
        var terraformLimit = 1_000
        var tandemBinary = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        tandemBinary = URL(fileURLWithPath: tandemBinary).deletingLastPathComponent().appendingPathComponent("tandem").path
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--iterations": iterations = remaining.popFirst().flatMap(Int.init) ?? iterations
            case "--cli-runs": commandLineRuns = remaining.popFirst().flatMap(Int.init) ?? commandLineRuns
            case "--terraform": terraform = true
            case "--terraform-up-to": terraformLimit = remaining.popFirst().flatMap(Int.init) ?? terraformLimit
            case "--tandem": tandemBinary = remaining.popFirst() ?? tandemBinary
            default: if let count = Int(argument) { counts.append(count) }
            }
        }
        self.counts = counts.isEmpty ? [10_000, 30_000, 100_000] : counts.sorted()
        self.iterations = max(1, iterations)
        self.commandLineRuns = max(0, commandLineRuns)
        self.terraform = terraform
        self.terraformLimit = terraformLimit
        self.tandemBinary = tandemBinary
    }

    func run() async throws {
        print("Peak memory: in-memory, VmHWM after the first run of a process planning only that size minus its VmRSS before it",
              "(the plan still held); binaries, ru_maxrss from /usr/bin/time.")
        var inMemory: [InMemoryPlanMeasurement] = []
        for count in counts {
            let measured = try await InMemoryPlanMeasurement.measureInChildProcess(count: count, iterations: iterations)
            inMemory.append(measured)
            print(String(format: "plan, in-memory provider, %d instances: median %.0f ms, best %.0f ms over %d runs; %.1f ms per 1k instances; peak +%.0f MB (%.2f KB per instance)",
                         count, measured.median * 1e3, measured.durations[0] * 1e3, measured.durations.count,
                         measured.median * 1e6 / Double(count), Double(measured.peakGrowthBytes) / 1e6,
                         Double(measured.peakGrowthBytes) / Double(count) / 1e3))
        }
        printScaling("in-memory plan", inMemory.map { ($0.instances, $0.median) })

        var commandLine: [(Int, Double)] = []
        for count in counts {
            if commandLineRuns > 0 {
                if FileManager.default.isExecutableFile(atPath: tandemBinary) {
                    let runs = try await CommandLinePlan.measure(binary: tandemBinary, count: count, runs: commandLineRuns)
                    let seconds = runs.map(\.seconds).sorted()
                    commandLine.append((count, seconds[seconds.count / 2]))
                    print(String(format: "tandem plan (binary), %d aws_s3_bucket for_each instances: %@ s over %d runs; %.0f ms per 1k instances; peak RSS %.0f MB (%.2f KB per instance)",
                                 count, runs.map { String(format: "%.2f", $0.seconds) }.joined(separator: ", "), runs.count,
                                 seconds[seconds.count / 2] * 1e6 / Double(count), Double(runs.map(\.peakBytes).max() ?? 0) / 1e6,
                                 Double(runs.map(\.peakBytes).max() ?? 0) / Double(count) / 1e3))
                    let json = try await CommandLinePlan.measure(binary: tandemBinary, count: count, runs: 1, options: ["--json"])[0]
                    print(String(format: "tandem plan --json (binary), %d instances: %.2f s; peak RSS %.0f MB", count, json.seconds, Double(json.peakBytes) / 1e6))
                } else {
                    print("tandem plan (binary): \(tandemBinary) not found; build it with swift build -c release --product tandem")
                }
            }
            if terraform, count <= terraformLimit {
                let measured = try await CommandLinePlan.measureTerraform(count: count)
                print(String(format: "terraform plan -refresh=false, %d terraform_data for_each instances: %.2f s; %.0f ms per 1k instances; peak RSS %.0f MB",
                             count, measured.seconds, measured.seconds * 1e6 / Double(count), Double(measured.peakBytes) / 1e6))
            }
        }
        printScaling("tandem plan (binary)", commandLine)
    }

    /// How time grew from the smallest size to the largest, against how the size grew (equal when linear).
    private func printScaling(_ name: String, _ medians: [(count: Int, seconds: Double)]) {
        guard let first = medians.first, let last = medians.last, last.count > first.count, first.seconds > 0 else { return }
        print(String(format: "%@: %.1fx instances (%d -> %d) took %.1fx time", name, Double(last.count) / Double(first.count),
                     first.count, last.count, last.seconds / first.seconds))
    }
}
