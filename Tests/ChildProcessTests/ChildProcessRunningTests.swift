import ChildProcess
import Foundation
import Testing

/// `ChildProcess.withRunning`: a child driven while it runs (input written, output watched, signals sent).
struct ChildProcessRunningTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    @Test func aPromptIsAnsweredOnStandardInputOnceItWasPrinted() async throws {
        let (answered, outcome) = try await ChildProcess.withRunning(
            ["sh", "-c", "printf 'name? '; read name; echo \"hello $name\"; echo bye >&2"], environment: Self.environment
        ) { child in
            let prompted = await child.waitForOutput(containing: "name? ", timeout: .seconds(10))
            try await child.write(Array("tandem\n".utf8))
            try await child.closeInput()
            return prompted
        }
        #expect(answered)
        #expect(outcome == ChildProcess.Outcome(status: 0, standardOutput: Array("name? hello tandem\n".utf8), standardError: "bye\n"))
    }

    @Test func aSignalSentOnceOutputAppearedEndsTheChild() async throws {
        let (exitedBefore, outcome) = try await ChildProcess.withRunning(
            ["sh", "-c", "trap 'echo interrupted; exit 130' INT; echo waiting; while :; do sleep 0.1; done"], environment: Self.environment
        ) { child in
            #expect(await child.waitForOutput(containing: "waiting", timeout: .seconds(10)))
            let exitedBefore = child.hasExited
            child.send(signal: SIGINT)
            #expect(await child.waitForExit(timeout: .seconds(10)))
            #expect(child.hasExited)
            return exitedBefore
        }
        #expect(!exitedBefore)
        #expect(outcome.status == 130 && outcome.standardOutput == Array("waiting\ninterrupted\n".utf8))
    }

    @Test func aThrowingBodyEndsTheChild() async throws {
        struct Stop: Error {}
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        await #expect(throws: Stop.self) {
            try await ChildProcess.withRunning(["sh", "-c", "echo $$ > \(directory)/pid; exec sleep 60"], environment: Self.environment) { child in
                #expect(await logContains(directory + "/pid", "\(child.processID)"))
                throw Stop()
            }
        }
        let pid = try #require(Int32(String(contentsOfFile: directory + "/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await gone(pid))
    }

    @Test func standardOutputBeyondTheLimitIsAnError() async throws {
        let error = await #expect(throws: ChildProcessError.self) {
            try await ChildProcess.withRunning(["head", "-c", "100000", "/dev/zero"], environment: Self.environment, outputLimit: 1000) { child in
                _ = await child.waitForExit(timeout: .seconds(10))
            }
        }
        #expect(error?.code == .outputLimitExceeded)
    }
}
