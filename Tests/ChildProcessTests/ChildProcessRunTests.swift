import ChildProcess
import Foundation
import Testing

/// `ChildProcess.run` on real programs (sh, cat, yes, sleep): what it captures, feeds and reports, and what it stops.
struct ChildProcessRunTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    @Test func standardOutputStandardErrorAndTheExitCodeAreCaptured() async throws {
        let outcome = try await ChildProcess.run(["sh", "-c", "printf 'out\\n'; printf 'err ü' >&2; exit 3"], environment: Self.environment)
        #expect(outcome == ChildProcess.Outcome(status: 3, standardOutput: Array("out\n".utf8), standardError: "err ü"))
    }

    @Test func standardInputIsFedAndClosedWithoutDeadlockingOnALargeEcho() async throws {
        // 4 MiB through cat: far more than a pipe holds, so writing and reading must go on at once.
        let input = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let outcome = try await ChildProcess.run(["cat"], environment: Self.environment, input: input)
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput == input)
    }

    @Test func withoutInputStandardInputIsDevNull() async throws {
        let outcome = try await ChildProcess.run(["sh", "-c", "readlink /proc/self/fd/0; cat"], environment: Self.environment)
        #expect(outcome.status == 0)
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "/dev/null\n")
    }

    @Test func aChildEndedByASignalReports128PlusTheSignal() async throws {
        let terminated = try await ChildProcess.run(["sh", "-c", "kill -TERM $$; sleep 5"], environment: Self.environment)
        #expect(terminated.status == 128 + SIGTERM)
        let killed = try await ChildProcess.run(["sh", "-c", "kill -KILL $$; sleep 5"], environment: Self.environment)
        #expect(killed.status == 128 + SIGKILL)
    }

    @Test func aProgramWithASlashIsAPathAndTheWorkingDirectoryIsApplied() async throws {
        let outcome = try await ChildProcess.run(["/bin/pwd"], environment: [:], workingDirectory: "/usr/share")
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "/usr/share\n")
    }

    @Test func theProgramSeesItsNameAsGivenInArgumentZero() async throws {
        let outcome = try await ChildProcess.run(["sh", "-c", "tr '\\0' ' ' < /proc/$$/cmdline"], environment: Self.environment)
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "sh -c tr '\\0' ' ' < /proc/$$/cmdline ")
    }

    @Test func theTimeoutKillsTheChildAndWhatItStartedAndSaysSo() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = ContinuousClock.now
        // The shell waits for a grandchild in its process group; both must go.
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(["sh", "-c", "echo $$ > \(directory)/shell; sleep 60 & echo $! > \(directory)/sleep; wait"],
                                       environment: Self.environment, timeout: .milliseconds(500))
        }
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("sh: ran longer than 0.5 seconds and was killed") == true, "\(String(describing: error))")
        // Well before the 60 s the grandchild would sleep (a loaded CI machine took 16 s to spawn and kill them).
        #expect(ContinuousClock.now - started < .seconds(45), "the run returned soon after the timeout, without waiting for the sleep")
        for name in ["shell", "sleep"] {
            let pid = try #require(Int32(String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(await gone(pid), "the \(name) (pid \(pid)) was killed")
        }
    }

    @Test func aChildFinishingInTimeIsNotDisturbedByTheTimeout() async throws {
        let outcome = try await ChildProcess.run(["sh", "-c", "echo done"], environment: Self.environment, timeout: .seconds(30))
        #expect(outcome.status == 0 && outcome.standardOutput == Array("done\n".utf8))
    }

    @Test(arguments: [["yes"], ["sh", "-c", "yes >&2"]])
    func outputBeyondTheLimitIsAnErrorAndEndsTheChild(command: [String]) async throws {
        // `yes` never stops by itself: the run returns only because the limit ended it.
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(command, environment: Self.environment, timeout: .seconds(60), outputLimit: 64 << 10)
        }
        #expect(error?.code == .outputLimitExceeded, "\(String(describing: error))")
    }

    @Test func outputUpToTheLimitIsKeptWhole() async throws {
        let outcome = try await ChildProcess.run(["head", "-c", "65536", "/dev/zero"], environment: Self.environment, outputLimit: 64 << 10)
        #expect(outcome.standardOutput.count == 65536)
    }

    @Test func errorsNameTheProgramButNeitherItsArgumentsNorItsEnvironment() async throws {
        let secretEnvironment = ["PATH": "/usr/bin:/bin", "TOKEN": "environment-secret"]
        let missing = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(["no-such-program-4242", "--token=argument-secret"], environment: secretEnvironment)
        }
        #expect(missing?.code == .notFound)
        let timedOut = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.run(["sh", "-c", "sleep 30", "shell", "argument-secret"], environment: secretEnvironment, timeout: .milliseconds(200))
        }
        #expect(timedOut?.code == .timedOut)
        for (error, program) in [(missing, "no-such-program-4242"), (timedOut, "sh")] {
            let text = error.map(String.init(describing:)) ?? ""
            #expect(text.hasPrefix(program + ": "), "\(text)")
            #expect(!text.contains("argument-secret") && !text.contains("environment-secret"), "\(text)")
        }
        let empty = await #expect(throws: ChildProcessError.self) { try await ChildProcess.run([], environment: [:]) }
        #expect(empty?.code == .cannotStart)
    }

    @Test func theChildSeesOnlyTheEnvironmentGiven() async throws {
        #expect(ProcessInfo.processInfo.environment["PATH"] != nil, "the test process has an environment to leak")
        let outcome = try await ChildProcess.run(["/usr/bin/env"], environment: ["ONLY": "this one"])
        #expect(String(decoding: outcome.standardOutput, as: UTF8.self) == "ONLY=this one\n")
    }

    @Test func noDescriptorOfTheParentIsInheritedNotEvenOneWithoutCloseOnExec() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/held-open"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        // Opened without O_CLOEXEC: exec alone would hand it to the child.
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        #expect(descriptor > 2 && fcntl(descriptor, F_GETFD) & FD_CLOEXEC == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").contains(String(descriptor)))

        let outcome = try await ChildProcess.run(["ls", "-l", "/proc/self/fd"], environment: Self.environment)
        let descriptors = openDescriptors(listedBy: String(decoding: outcome.standardOutput, as: UTF8.self))
        #expect(descriptors.map(\.number) == ["0", "1", "2"], "\(descriptors)")
        #expect(descriptors.first?.target == "/dev/null" && !descriptors.contains { $0.target == path })
    }

    @Test func theChildRunsInASessionOfItsOwn() async throws {
        let outcome = try await ChildProcess.run(["sh", "-c", "cat /proc/$$/stat; echo; echo $$"], environment: Self.environment)
        let lines = String(decoding: outcome.standardOutput, as: UTF8.self).split(separator: "\n")
        let processID = try #require(Int32(lines.last ?? ""))
        let stat = try #require(ProcessStat(String(lines.first ?? "")))
        #expect(stat.session == processID && stat.processGroup == processID)
        #expect(stat.session != getsid(0) && stat.processGroup != getpgrp())
    }
}

/// The fields of `/proc/PID/stat` these tests read.
struct ProcessStat {
    let state: Character
    let parent: Int32
    let processGroup: Int32
    let session: Int32

    init?(_ text: String) {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 4, let state = fields[0].first, let parent = Int32(fields[1]), let group = Int32(fields[2]),
              let session = Int32(fields[3]) else { return nil }
        (self.state, self.parent, processGroup, self.session) = (state, parent, group, session)
    }

    init?(processID: Int32) {
        guard let text = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8) else { return nil }
        self.init(text)
    }
}

/// The descriptors in `ls -l /proc/self/fd` output, without the one `ls` reads the directory through.
func openDescriptors(listedBy listing: String) -> [(number: String, target: String)] {
    listing.split(separator: "\n").compactMap { line in
        guard let arrow = line.range(of: " -> ") else { return nil }
        let number = String(line[..<arrow.lowerBound].split(separator: " ").last ?? "")
        let target = String(line[arrow.upperBound...])
        return target.hasPrefix("/proc/") && target.hasSuffix("/fd") ? nil : (number, target)
    }
}

/// A new directory under the temporary directory.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-child-process-\(UUID())").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Whether `processID` is gone (or a zombie) within 5 s.
func gone(_ processID: Int32) async -> Bool {
    for _ in 0..<100 {
        guard let stat = ProcessStat(processID: processID), stat.state != "Z" else { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return false
}
