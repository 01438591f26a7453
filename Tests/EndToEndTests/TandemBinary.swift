import ChildProcess
import Foundation
import TandemTesting

/// Runs the built `tandem` executable in a working directory and captures its output.
struct TandemBinary {
    struct Run {
        /// The exit code, or 128 + the signal that ended it.
        var exitCode: Int32
        var stdout: String
        var stderr: String
    }

    let directory: String
    var environment: [String: String]

    /// The `tandem` built next to the test bundle (SwiftPM builds it because this target depends on it).
    static var path: String {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDirectory.appendingPathComponent("tandem").path,
            bundleDirectory.deletingLastPathComponent().appendingPathComponent("tandem").path,
            repositoryRoot + "/.build/debug/tandem",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Runs `tandem arguments...` in `directory` with `environment`, feeding `input` on stdin.
    func run(_ arguments: [String], input: String = "") async throws -> Run {
        Run(try await ChildProcess.run([Self.path] + arguments, environment: environment, input: Array(input.utf8), workingDirectory: directory))
    }

    /// `run` under the test process's topic lock (see `TopicChanges`), for commands that create or delete RGW topics.
    func runChangingTopics(_ arguments: [String]) async throws -> Run {
        try await TopicChanges.shared.run { try await run(arguments) }
    }

    /// Starts `tandem arguments...` with stdin open, runs `body` while it runs (to watch its output, signal it, stop
    /// it), then waits for it to exit.
    /// Runs `tandem replicator run --config CONFIGURATION` while `body` drives it (which must stop it); returns how it ended.
    func runReplicator(configuration: String, _ body: (ChildProcess.Running) async throws -> Void) async throws -> Run {
        try await withRunning(["replicator", "run", "--config", configuration], body).run
    }

    func withRunning<Value: Sendable>(_ arguments: [String], _ body: (ChildProcess.Running) async throws -> Value) async throws -> (value: Value, run: Run) {
        let (value, outcome) = try await ChildProcess.withRunning([Self.path] + arguments, environment: environment, workingDirectory: directory, body)
        return (value, Run(outcome))
    }

    /// Starts `tandem arguments...` with stdin left open, waits until stdout contains `marker`, then sends `signal` and
    /// waits for the exit (stdin is closed only then, so end-of-file cannot beat the signal).
    func interrupt(_ arguments: [String], whenOutputContains marker: String, signal: Int32 = SIGINT) async throws -> Run {
        try await withRunning(arguments) { tandem in
            _ = await tandem.waitForOutput(containing: marker, timeout: .seconds(30))
            tandem.send(signal: signal)
            _ = await tandem.waitForExit(timeout: .seconds(30))
        }.run
    }
}

extension TandemBinary.Run {
    /// A finished run's exit status (128 + the signal when one ended it) and its output as text.
    init(_ outcome: ChildProcess.Outcome) {
        self.init(exitCode: outcome.status, stdout: String(decoding: outcome.standardOutput, as: UTF8.self), stderr: outcome.standardError)
    }
}

/// Runs `body`, then `cleanup` whether or not `body` threw, then returns or rethrows: a `defer` that can await (a test's
/// `tandem destroy` after a failure).
func withCleanup<Value>(_ body: () async throws -> Value, cleanup: () async -> Void) async throws -> Value {
    let value: Value
    do {
        value = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return value
}
