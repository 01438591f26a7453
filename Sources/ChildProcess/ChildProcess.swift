import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Every process the project starts (radosgw-admin, exec credential plugins, the detached replicator, test servers)
/// goes through this namespace, built on swift-subprocess.
///
/// What every child gets, whichever entry point starts it:
/// - exactly the environment given, nothing of this process's (it may hold credentials);
/// - no descriptor of this process but its standard input, output and error: swift-subprocess spawns with
///   `posix_spawn` and a `closefrom(3)` file action (glibc 2.34 and later), or else forks and marks every descriptor
///   above 2 close-on-exec with `close_range`;
/// - a session of its own (`setsid`), so a terminal's signals reach only this process, which decides what happens to
///   its children, and a program that would prompt on `/dev/tty` fails at once instead of stopping in the background.
///
/// Errors name the program (`arguments[0]`) and never its other arguments or environment: both may hold secrets.
public enum ChildProcess {
    /// The default bound on what a child may print on each of standard output and standard error: 16 MiB.
    public static let defaultOutputLimit = 16 << 20

    /// How a finished child exited and what it printed.
    public struct Outcome: Sendable, Equatable {
        /// The exit code, or 128 + the signal's number when a signal ended it (as a shell reports it).
        public var status: Int32
        /// Everything written to standard output.
        public var standardOutput: [UInt8]
        /// Everything written to standard error, decoded as UTF-8.
        public var standardError: String

        /// Creates an outcome.
        public init(status: Int32, standardOutput: [UInt8], standardError: String) {
            self.status = status
            self.standardOutput = standardOutput
            self.standardError = standardError
        }
    }

    /// Runs `arguments[0]` with the other elements as its arguments, waits for it to exit and returns what it printed.
    ///
    /// - Parameters:
    ///   - arguments: The program and its arguments. A program without `/` is looked up on `PATH` of `environment`
    ///     (a default search path without one); one with `/` is a path.
    ///   - environment: The child's whole environment.
    ///   - input: Written to standard input, which is then closed; `nil` connects standard input to `/dev/null`.
    ///   - workingDirectory: Where the child starts; `nil` is this process's working directory.
    ///   - timeout: How long the child may run. When it is over, the child's process group gets `SIGTERM`, and
    ///     `SIGKILL` two seconds later, and ``ChildProcessError/Code/timedOut`` is thrown.
    ///   - outputLimit: The most bytes kept of each of standard output and standard error. A child printing more is
    ///     killed and ``ChildProcessError/Code/outputLimitExceeded`` is thrown.
    /// - Returns: The exit status and the output. A non-zero status is an outcome, not an error.
    /// - Throws: ``ChildProcessError`` when the program cannot be started, runs out of time or prints too much.
    public static func run(
        _ arguments: [String], environment: [String: String], input: [UInt8]? = nil, workingDirectory: String? = nil,
        timeout: Duration? = nil, outputLimit: Int = defaultOutputLimit
    ) async throws -> Outcome {
        let command = try Command(arguments, environment: environment, workingDirectory: workingDirectory)
        return try await command.mappingErrors {
            try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    if let input {
                        return try await command.collect(input: .array(input), outputLimit: outputLimit)
                    }
                    return try await command.collect(input: .none, outputLimit: outputLimit)
                }
                if let timeout {
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        return nil
                    }
                }
                // Cancelling the run makes swift-subprocess tear the child down (see `Command.platformOptions`).
                defer { group.cancelAll() }
                guard let finished = try await group.next() ?? nil else {
                    throw ChildProcessError(program: command.program, code: .timedOut, detail: "ran longer than \(timeout ?? .zero) and was killed")
                }
                return finished
            }
        }
    }
}

/// One program to start: its resolved form for swift-subprocess, kept apart from the arguments so that nothing here
/// can print them.
struct Command: Sendable {
    /// `arguments[0]`, the only part of the command that errors show.
    let program: String
    let executable: Executable
    let arguments: Arguments
    let environment: Environment
    let workingDirectory: FilePath?

    init(_ arguments: [String], environment: [String: String], workingDirectory: String?) throws {
        guard let program = arguments.first, !program.isEmpty else {
            throw ChildProcessError(program: "", code: .cannotStart, detail: "the command is empty")
        }
        self.program = program
        executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        // argv[0] as given (a shell does the same), not the path found on PATH.
        self.arguments = Arguments(executablePathOverride: program, remainingValues: Array(arguments.dropFirst()))
        // `Environment.Key(rawValue:)` accepts every string; it is failable only to satisfy RawRepresentable.
        self.environment = .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { entry in
            Environment.Key(rawValue: entry.key).map { ($0, entry.value) }
        }))
        self.workingDirectory = workingDirectory.map { FilePath($0) }
    }

    /// A session of its own; on teardown (a timeout, a cancelled task, an output limit) `SIGTERM` to the child's
    /// process group, then `SIGKILL` to the group two seconds later (swift-subprocess's last step inherits the group).
    static var platformOptions: PlatformOptions {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        return options
    }

    /// Runs to the end, collecting both outputs up to `outputLimit` bytes each.
    func collect(input: some InputProtocol, outputLimit: Int) async throws -> ChildProcess.Outcome {
        let result = try await Subprocess.run(
            executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            platformOptions: Self.platformOptions, input: input, output: .bytes(limit: outputLimit), error: .bytes(limit: outputLimit))
        return ChildProcess.Outcome(status: result.terminationStatus.shellStatus, standardOutput: result.standardOutput,
                                    standardError: String(decoding: result.standardError, as: UTF8.self))
    }

    /// `body`, with swift-subprocess's errors turned into ``ChildProcessError``s naming the program.
    func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SubprocessError {
            throw ChildProcessError(program: program, subprocessError: error)
        }
    }
}

extension TerminationStatus {
    /// The exit code, or 128 + the signal.
    var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}
