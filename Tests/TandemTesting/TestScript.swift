import ChildProcess
import Foundation

/// Runs the project's helper scripts (`scripts/moto-server`, `scripts/ceph-cluster`) for the test servers.
enum TestScript {
    /// The repository's root directory.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/TandemTesting
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// A per-process directory `PREFIX<pid>` under the temporary directory, after deleting those of exited processes
    /// (`stopping` first runs on each, to stop what such a process may have left running).
    static func runDirectory(prefix: String, stopping: (URL) async -> Void = { _ in }) async throws -> URL {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.reversed().prefix { $0.isNumber }.reversed().map(String.init).joined()),
                  pid != ProcessInfo.processInfo.processIdentifier,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            await stopping(temporary.appendingPathComponent(name))
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
        let directory = temporary.appendingPathComponent("\(prefix)\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs a program to completion with this process's environment and returns its standard output and exit
    /// status; what it printed on standard error is written to `stderr`. The scripts detach (and redirect) everything
    /// they leave running, so the program's exit ends its output.
    static func run(_ executable: String, arguments: [String], stderr: URL) async throws -> (String, Int32) {
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run([executable] + arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw TestScriptError("could not run \(arguments.first ?? executable): \(error)")
        }
        try Data(outcome.standardError.utf8).write(to: stderr)
        return (String(decoding: outcome.standardOutput, as: UTF8.self), outcome.status)
    }

    /// The last lines of a file, for error messages.
    static func tail(_ file: URL, lines: Int = 15) -> String {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// A helper script could not be run.
struct TestScriptError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
