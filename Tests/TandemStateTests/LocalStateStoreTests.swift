import Foundation
import Testing
import TandemCore
@testable import TandemState

@Suite struct LocalStateStoreTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-state-\(UUID())").path

    private var store: LocalStateStore { LocalStateStore(path: directory + "/state/default.json") }

    private func sampleState() -> StateFile {
        var state = StateFile()
        state.serial = 3
        state.upsert(ResourceState(address: ResourceAddress(type: "aws_sqs_queue", name: "dlq"), provider: "aws",
                                   attributes: .map(["name": .string("dlq"), "arn": .string("arn:aws:sqs:af-south-1:1:dlq")]),
                                   dependencies: []))
        state.outputs["url"] = OutputState(value: .string("http://x"), sensitive: false)
        return state
    }

    @Test func writeThenReadRoundTripsWithMode0600AndNoTemporaryFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try store.read() == nil)
        let state = sampleState()
        try store.write(state)
        #expect(try store.read() == state)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/state")
        #expect(files == ["default.json"])
        // The directories the store creates are private too, whatever the umask.
        for created in [directory, directory + "/state"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: created)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o700, "\(created)")
        }
    }

    @Test func rewriteReplacesTheWholeFile() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var state = sampleState()
        try store.write(state)
        state.remove(ResourceAddress(type: "aws_sqs_queue", name: "dlq"))
        state.serial += 1
        try store.write(state)
        let read = try #require(try store.read())
        #expect(read.resources.isEmpty)
        #expect(read.serial == 4)
    }

    @Test func secondLockFailsAtOnceWithTheHoldersDetails() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = LockInfo(operation: "apply")
        try store.lock(first)
        do {
            try store.lock(LockInfo(operation: "destroy"))
            Issue.record("the second lock succeeded")
        } catch let error as StateError {
            #expect(error.lockInfo == first)
            #expect(error.description.contains(first.id))
            #expect(error.description.contains("apply"))
            #expect(error.description.contains("PID:       \(first.pid)"))
            #expect(error.description.contains("tandem force-unlock \(first.id)"))
        }
        try store.unlock(first)
        try store.lock(LockInfo(operation: "plan"))
    }

    @Test func forceUnlockNeedsTheRightID() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lock = LockInfo(operation: "apply")
        try store.lock(lock)
        #expect(throws: StateError.self) { try store.forceUnlock(id: "not-the-id") }
        #expect(try store.currentLock() == lock)
        try store.forceUnlock(id: lock.id)
        #expect(try store.currentLock() == nil)
    }

    @Test func corruptAndNewerStateFilesAreRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        try "{not json".write(toFile: store.path, atomically: true, encoding: .utf8)
        #expect { try store.read() } throws: { ($0 as? StateError)?.description.contains("is not valid") == true }
        try #"{"format_version": 99, "lineage": "x", "serial": 1, "resources": [], "outputs": {}, "applied_plans": []}"#
            .write(toFile: store.path, atomically: true, encoding: .utf8)
        #expect { try store.read() } throws: { ($0 as? StateError)?.description.contains("format version 99") == true }
    }

    @Test func appliedPlanHistoryIsBounded() {
        var state = StateFile()
        for i in 0..<(StateFile.appliedPlanHistory + 5) { state.recordAppliedPlan("plan-\(i)") }
        #expect(state.appliedPlans.count == StateFile.appliedPlanHistory)
        #expect(state.appliedPlans.last == "plan-\(StateFile.appliedPlanHistory + 4)")
        #expect(!state.appliedPlans.contains("plan-0"))
    }
}
