import Foundation
import Subprocess

extension ChildProcess {
    /// A child started by ``withRunning(_:environment:workingDirectory:outputLimit:_:)``, for the body to feed, watch
    /// and signal while it runs. Valid only inside that body.
    public struct Running: Sendable {
        /// The child's process id.
        public let processID: Int32
        /// The pidfd swift-subprocess holds; readable once the child has exited.
        private let processDescriptor: CInt
        private let output: OutputBuffer
        private let input: StandardInputWriter

        fileprivate init(processIdentifier: ProcessIdentifier, output: OutputBuffer, input: StandardInputWriter) {
            processID = processIdentifier.value
            processDescriptor = processIdentifier.processDescriptor
            self.output = output
            self.input = input
        }

        /// What the child has written to standard output so far.
        public var standardOutput: [UInt8] { output.bytes }

        /// True once the child has exited (it is reaped after the body returns, so its id cannot be reused before).
        public var hasExited: Bool {
            if processDescriptor >= 0 {
                var descriptor = pollfd(fd: processDescriptor, events: Int16(POLLIN), revents: 0)
                return poll(&descriptor, 1, 0) == 1
            }
            let stat = (try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8)) ?? ""
            return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
        }

        /// Sends `signal` (`SIGINT`, `SIGTERM`, `SIGKILL` ...) to the child.
        public func send(signal: Int32) {
            kill(processID, signal)
        }

        /// Writes `bytes` to the child's standard input.
        public func write(_ bytes: [UInt8]) async throws {
            _ = try await input.write(bytes)
        }

        /// Closes the child's standard input (it reads end-of-file). Done anyway when the body returns.
        public func closeInput() async throws {
            try await input.finish()
        }

        /// Waits until standard output contains `marker`; false when the child exited or `timeout` passed first.
        public func waitForOutput(containing marker: String, timeout: Duration) async -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if String(decoding: standardOutput, as: UTF8.self).contains(marker) { return true }
                if output.isFinished { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }

        /// Waits until the child has exited; false when `timeout` passed first.
        public func waitForExit(timeout: Duration) async -> Bool {
            let deadline = ContinuousClock.now + timeout
            while !hasExited {
                if ContinuousClock.now >= deadline { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return true
        }
    }

    /// Starts `arguments[0]` with standard input open, runs `body` while it runs, then waits for it to exit.
    ///
    /// For children that a caller talks to or stops: a prompt answered on standard input, a signal sent once some
    /// output appeared, a server killed in the middle of its work. Standard output is read all along (a child never
    /// blocks on a full pipe) and kept up to `outputLimit` bytes; standard error is collected likewise. When `body`
    /// throws, the child's process group gets `SIGTERM` and then `SIGKILL`.
    ///
    /// - Parameters:
    ///   - arguments: The program (looked up on `PATH` of `environment` unless it holds a `/`) and its arguments.
    ///   - environment: The child's whole environment.
    ///   - workingDirectory: Where the child starts; `nil` is this process's working directory.
    ///   - outputLimit: The most bytes kept of each of standard output and standard error; more is an error.
    ///   - body: Watches and drives the child; standard input is closed when it returns.
    /// - Returns: What `body` returned, and how the child exited and what it printed.
    /// - Throws: ``ChildProcessError`` when the program cannot be started or printed too much; what `body` threw.
    public static func withRunning<Value: Sendable>(
        _ arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        outputLimit: Int = defaultOutputLimit, _ body: (Running) async throws -> Value
    ) async throws -> (value: Value, outcome: Outcome) {
        let command = try Command(arguments, environment: environment, workingDirectory: workingDirectory)
        let output = OutputBuffer(limit: outputLimit)
        let result = try await command.mappingErrors {
            try await Subprocess.run(
                command.executable, arguments: command.arguments, environment: command.environment,
                workingDirectory: command.workingDirectory, platformOptions: Command.platformOptions,
                input: .inputWriter, output: .sequence, error: .bytes(limit: outputLimit)
            ) { execution in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await chunk in execution.standardOutput {
                            chunk.withUnsafeBytes { output.append($0) }
                        }
                        output.finish()
                    }
                    let value = try await body(Running(processIdentifier: execution.processIdentifier, output: output,
                                                       input: execution.standardInputWriter))
                    try await execution.standardInputWriter.finish()
                    try await group.waitForAll()
                    return value
                }
            }
        }
        guard !output.overflowed else {
            throw ChildProcessError(program: command.program, code: .outputLimitExceeded,
                                    detail: "printed more than \(outputLimit) bytes on standard output")
        }
        return (result.closureResult, Outcome(status: result.terminationStatus.shellStatus, standardOutput: output.bytes,
                                              standardError: String(decoding: result.standardError, as: UTF8.self)))
    }
}

/// Standard output read so far, up to a limit; what comes after the limit is read and dropped (so the child never
/// blocks) and marks the buffer as overflowed.
private final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private var stored: [UInt8] = []
    private var exceeded = false
    private var finished = false

    init(limit: Int) {
        self.limit = limit
    }

    var bytes: [UInt8] { lock.withLock { stored } }
    var overflowed: Bool { lock.withLock { exceeded } }
    var isFinished: Bool { lock.withLock { finished } }

    func append(_ chunk: UnsafeRawBufferPointer) {
        lock.withLock {
            let room = max(0, limit - stored.count)
            stored.append(contentsOf: chunk.prefix(room))
            if chunk.count > room { exceeded = true }
        }
    }

    func finish() {
        lock.withLock { finished = true }
    }
}
