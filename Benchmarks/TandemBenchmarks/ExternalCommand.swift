import ChildProcess
import Foundation
import TandemEngine

/// A program the benchmarks time from outside (`terraform`, the `tandem` binary), run in a scratch directory with
/// its standard output thrown away, under `/usr/bin/time` for its peak resident memory.
struct ExternalCommand {
    /// What one run cost.
    struct Measurement {
        /// Wall-clock seconds from start to exit.
        var seconds: Double
        /// The process's peak resident set size (`ru_maxrss` as `/usr/bin/time %M` reports it), in bytes.
        var peakBytes: Int
    }

    /// The program and its arguments.
    let arguments: [String]
    /// Where it runs.
    let directory: String

    /// Runs the command once; throws when it exits with a non-zero status.
    @discardableResult
    func run() async throws -> Measurement {
        let report = directory + "/.benchmark-time-\(UUID())"
        defer { try? FileManager.default.removeItem(atPath: report) }
        let started = ContinuousClock.now
        let outcome = try await ChildProcess.run(["sh", "-c", #"exec /usr/bin/time -q -f %M -o "$0" "$@" >/dev/null"#, report] + arguments,
                                                 environment: ProcessInfo.processInfo.environment, workingDirectory: directory)
        let seconds = Self.seconds(ContinuousClock.now - started)
        guard outcome.status == 0 else {
            throw ProviderError("\(arguments.prefix(2).joined(separator: " ")) failed (exit \(outcome.status)): \(outcome.standardError)")
        }
        let kilobytes = (try? String(contentsOfFile: report, encoding: .utf8))?.split(separator: "\n").last.flatMap { Int($0) } ?? 0
        return Measurement(seconds: seconds, peakBytes: kilobytes * 1024)
    }

    /// A new empty directory under the temporary directory.
    static func scratchDirectory(_ purpose: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(purpose)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// `terraform` in a scratch directory holding one `main.tf`, initialised (the built-in `terraform_data` needs no
/// provider download).
struct TerraformWorkspace {
    /// The scratch directory.
    let directory: String

    /// Writes `configuration` as `main.tf` into a new scratch directory and runs `terraform init` there.
    init(configuration: String) async throws {
        directory = try ExternalCommand.scratchDirectory("terraform-benchmark")
        try configuration.write(toFile: directory + "/main.tf", atomically: true, encoding: .utf8)
        try await run(["init", "-input=false", "-no-color"])
    }

    /// `terraform ARGUMENTS` in the workspace.
    @discardableResult
    func run(_ arguments: [String]) async throws -> ExternalCommand.Measurement {
        try await ExternalCommand(arguments: ["terraform"] + arguments, directory: directory).run()
    }

    /// Deletes the scratch directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
