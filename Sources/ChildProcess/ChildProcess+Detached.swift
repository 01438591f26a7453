import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

extension ChildProcess {
    /// Starts a long-running program that outlives this process, and returns its process id once it has started.
    ///
    /// The child gets what every child gets (see ``ChildProcess``: only the given environment, no inherited
    /// descriptor, a session of its own, so no terminal signal and no signal to this process's group reaches it), and:
    /// standard input from `/dev/null`, standard output and standard error appended to `log` (created with mode 0600;
    /// the mode of an existing file is kept).
    ///
    /// While this process lives, a task waits for the child and reaps it when it exits, so it never lingers as a zombie;
    /// when this process exits first, the child carries on (the system's init adopts it).
    ///
    /// - Parameters:
    ///   - arguments: The program (looked up on `PATH` of `environment` unless it holds a `/`) and its arguments.
    ///   - environment: The child's whole environment.
    ///   - log: The file that receives standard output and standard error.
    ///   - workingDirectory: Where the child starts; `nil` is this process's working directory.
    /// - Throws: ``ChildProcessError`` when the log cannot be opened or the program cannot be started.
    public static func startDetached(
        _ arguments: [String], environment: [String: String], log: String, workingDirectory: String? = nil
    ) async throws -> Int32 {
        let command = try Command(arguments, environment: environment, workingDirectory: workingDirectory)
        let logFile: FileDescriptor
        do {
            logFile = try FileDescriptor.open(FilePath(log), .writeOnly, options: [.append, .create, .closeOnExec],
                                              permissions: [.ownerReadWrite])
        } catch {
            throw ChildProcessError(program: command.program, code: .cannotStart, detail: "cannot open its log \(log): \(error)")
        }
        let started = StartSignal()
        return try await withCheckedThrowingContinuation { continuation in
            started.continuation = continuation
            Task.detached {
                do {
                    // swift-subprocess returns when the child has exited; the body only reports that it started.
                    _ = try await Subprocess.run(
                        command.executable, arguments: command.arguments, environment: command.environment,
                        workingDirectory: command.workingDirectory, platformOptions: Command.platformOptions,
                        input: .none, output: .fileDescriptor(logFile, closeAfterSpawningProcess: true), error: .combinedWithOutput
                    ) { execution in
                        started.resume(with: .success(execution.processIdentifier.value))
                    }
                } catch let error as SubprocessError {
                    started.resume(with: .failure(ChildProcessError(program: command.program, subprocessError: error)))
                } catch {
                    started.resume(with: .failure(error))
                }
            }
        }
    }

    /// True while `processID` is a live process (not a zombie) whose command line contains `marker`: a pid file left
    /// by a process that has exited and whose number was reused never matches.
    public static func isRunning(_ processID: Int32, commandLineContains marker: String) -> Bool {
        guard processID > 0, kill(processID, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
            return false
        }
        // A process in the middle of execve (its parent already resumed: posix_spawn returns then) shows an empty
        // command line for a moment; it is worth a few milliseconds' wait, not a "not running".
        for _ in 0..<100 {
            guard let commandLine = FileManager.default.contents(atPath: "/proc/\(processID)/cmdline") else { return false }
            if !commandLine.isEmpty {
                return String(decoding: commandLine.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self).contains(marker)
            }
            usleep(1_000)
        }
        return false
    }

    /// Stops a detached process: `SIGTERM`, then `SIGKILL` when it still runs after `grace`; returns once it is gone.
    /// The signals go to its process group (which ``startDetached(_:environment:log:workingDirectory:)`` made it lead),
    /// so what it started goes with it. Does nothing unless ``isRunning(_:commandLineContains:)`` holds.
    public static func stop(_ processID: Int32, commandLineContains marker: String, grace: Duration) async {
        guard isRunning(processID, commandLineContains: marker) else { return }
        signalGroup(of: processID, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning(processID, commandLineContains: marker) {
            if ContinuousClock.now >= deadline {
                signalGroup(of: processID, SIGKILL)
                // Gone once reaped (by the task that started it, or by init) or a zombie: at most 5 s more.
                for _ in 0..<50 where isRunning(processID, commandLineContains: marker) {
                    try? await Task.sleep(for: .milliseconds(100))
                }
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// `signal` to the process group `processID` leads, or to the process alone when it leads none.
private func signalGroup(of processID: Int32, _ signal: Int32) {
    if kill(-processID, signal) != 0 {
        kill(processID, signal)
    }
}

/// Hands the started child's process id (or the reason it did not start) to the caller exactly once: the task that
/// runs the child goes on waiting after that.
private final class StartSignal: @unchecked Sendable {
    private let lock = NSLock()
    var continuation: CheckedContinuation<Int32, any Error>?

    func resume(with result: Result<Int32, any Error>) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}
