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

    /// Runs a program to completion on a dispatch thread and returns its standard output and exit status; standard
    /// error goes to `stderr`.
    ///
    /// `Process.terminationHandler` and `waitUntilExit()` are not used: under the test runner on
    /// Linux the child was observed never to be reaped, so they never return. Instead the output
    /// is read to end-of-file (the scripts detach everything they leave running) and the child
    /// is reaped here.
    static func run(_ executable: String, arguments: [String], stderr: URL) async throws -> (String, Int32) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                let output = Pipe()
                process.standardOutput = output
                process.standardInput = FileHandle.nullDevice
                do {
                    _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
                    process.standardError = try FileHandle(forWritingTo: stderr)
                    try process.run()
                } catch {
                    continuation.resume(throwing: TestScriptError("could not run \(arguments.first ?? executable): \(error)"))
                    return
                }
                let data = output.fileHandleForReading.readDataToEndOfFile()
                var rawStatus: Int32 = 0
                let status: Int32
                if waitpid(process.processIdentifier, &rawStatus, 0) == process.processIdentifier {
                    status = (rawStatus & 0x7f) == 0 ? (rawStatus >> 8) & 0xff : 128 + (rawStatus & 0x7f)
                } else {
                    // Already reaped elsewhere: judge by the output alone.
                    status = 0
                }
                continuation.resume(returning: (String(decoding: data, as: UTF8.self), status))
            }
        }
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
