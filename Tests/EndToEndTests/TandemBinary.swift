import Foundation
import TandemTesting

/// Runs the built `tandem` executable in a working directory and captures its output.
struct TandemBinary {
    struct Run {
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

    /// A started `tandem` process with pipes on its standard streams.
    struct Launched {
        let process = Process()
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
    }

    /// Starts `tandem arguments...` in `directory` with `environment`.
    func launch(_ arguments: [String]) throws -> Launched {
        let launched = Launched()
        launched.process.executableURL = URL(fileURLWithPath: Self.path)
        launched.process.arguments = arguments
        launched.process.currentDirectoryURL = URL(fileURLWithPath: directory)
        launched.process.environment = environment
        launched.process.standardOutput = launched.stdout
        launched.process.standardError = launched.stderr
        launched.process.standardInput = launched.stdin
        try launched.process.run()
        return launched
    }

    /// Runs `tandem arguments...`, feeding `input` on stdin, on a thread of its own: waiting for a child process must not
    /// hold one of the few threads that every test's async work shares (it starves their timers and deadlines).
    func run(_ arguments: [String], input: String = "") async throws -> Run {
        try await offThePool { try runSynchronously(arguments, input: input) }
    }

    /// `run` under the test process's topic lock (see `TopicChanges`), for commands that create or delete RGW topics.
    func runChangingTopics(_ arguments: [String]) async throws -> Run {
        try await TopicChanges.shared.run { try await run(arguments) }
    }

    /// `work` on a new thread, its result handed back to the caller's task.
    func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result(catching: work)) }
        }
    }

    /// `run` blocking the calling thread, for `defer` blocks (which cannot wait).
    func runSynchronously(_ arguments: [String], input: String = "") throws -> Run {
        let launched = try launch(arguments)
        let (process, stdout, stderr, stdin) = (launched.process, launched.stdout, launched.stderr, launched.stdin)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(exitCode: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

extension TandemBinary {
    /// Starts `tandem arguments...` with stdin left open, waits until stdout contains `marker`, then sends `signal`.
    func interrupt(_ arguments: [String], whenOutputContains marker: String, signal: Int32 = SIGINT) async throws -> Run {
        try await offThePool { try interruptSynchronously(arguments, whenOutputContains: marker, signal: signal) }
    }

    private func interruptSynchronously(_ arguments: [String], whenOutputContains marker: String, signal: Int32) throws -> Run {
        let launched = try launch(arguments)
        let (process, stdout, stderr, stdin) = (launched.process, launched.stdout, launched.stderr, launched.stdin)
        var output = Data()
        let deadline = Date().addingTimeInterval(30)
        while !String(decoding: output, as: UTF8.self).contains(marker), Date() < deadline, process.isRunning {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        kill(process.processIdentifier, signal)
        output.append(stdout.fileHandleForReading.readDataToEndOfFile())
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? stdin.fileHandleForWriting.close()
        return Run(exitCode: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
