import Foundation

/// Runs a program to completion with optional standard input and returns what it printed.
///
/// Output is read to end-of-file on its own threads and the child is reaped with `waitpid`: under the test runner on
/// Linux, `Process.waitUntilExit()` and termination handlers were seen never to return.
enum Subprocess {
    /// What a finished program printed and how it exited.
    struct Outcome: Sendable {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    /// Runs `arguments[0]` (looked up on `PATH` in `environment`) with the rest as its arguments.
    static func run(_ arguments: [String], input: Data?, environment: [String: String]) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result(catching: { try runBlocking(arguments, input: input, environment: environment) }))
            }
        }
    }

    private static func runBlocking(_ arguments: [String], input: Data?, environment: [String: String]) throws -> Outcome {
        guard let program = arguments.first else { throw RadosGWAdminError(command: "", status: 64, message: "empty command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errors = Pipe(), feed = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input == nil ? FileHandle.nullDevice : feed
        do {
            try process.run()
        } catch {
            throw RadosGWAdminError(command: program, status: 127, message: "cannot run \(program): \(error)")
        }
        if let input {
            // Written from another thread so a child that prints a lot before reading cannot deadlock us.
            DispatchQueue.global().async {
                try? feed.fileHandleForWriting.write(contentsOf: input)
                try? feed.fileHandleForWriting.close()
            }
        }
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        var rawStatus: Int32 = 0
        let status: Int32
        if waitpid(process.processIdentifier, &rawStatus, 0) == process.processIdentifier {
            status = (rawStatus & 0x7f) == 0 ? (rawStatus >> 8) & 0xff : 128 + (rawStatus & 0x7f)
        } else {
            process.waitUntilExit()
            status = process.terminationStatus
        }
        return Outcome(status: status, standardOutput: outputData, standardError: String(decoding: errorData, as: UTF8.self))
    }
}
