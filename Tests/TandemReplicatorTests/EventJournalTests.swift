import Foundation
import Testing
@testable import TandemReplicator

/// The push journal: what was accepted survives a restart, torn writes are cut off, a lost or stale done offset
/// brings records back rather than dropping them, concurrent appends share fsyncs, and an idle journal empties itself.
struct EventJournalTests {
    private func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-journal-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func acceptedBodiesSurviveARestartUntilDone() async throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try EventJournal(directory: path, name: "p", compactionBytes: 1)
        let first = try await journal.append(Data("one".utf8))
        let second = try await journal.append(Data("two".utf8))
        _ = try await journal.append(Data("three".utf8))
        try await journal.complete(first)
        try await journal.complete(second)
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "/p.journal")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // A crash, then a restart: only what was not done comes back.
        let reopened = try EventJournal(directory: path, name: "p", compactionBytes: 1)
        let pending = await reopened.takePendingAtOpen()
        #expect(pending.map { String(decoding: $0.body, as: UTF8.self) } == ["three"])
        try await reopened.complete(try #require(pending.first).offset)
        #expect(try FileManager.default.attributesOfItem(atPath: path + "/p.journal")[.size] as? NSNumber == 0, "emptied when nothing is pending")
    }

    @Test func aTornRecordIsCutOff() async throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try EventJournal(directory: path, name: "p")
        _ = try await journal.append(Data("whole".utf8))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + "/p.journal"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0, 0, 0, 9]) + Data("par".utf8))  // a record cut short by a crash
        try handle.close()
        let reopened = try EventJournal(directory: path, name: "p")
        #expect(await reopened.takePendingAtOpen().map { String(decoding: $0.body, as: UTF8.self) } == ["whole"])
        let next = try await reopened.append(Data("after".utf8))
        #expect(next == 9, "new records start right after the last whole one")
    }

    /// The done offset is not synced (a record handled twice costs nothing, an fsync per event does): one lost in a
    /// crash, or one that is not a record boundary, makes every record pending again; none is ever skipped.
    @Test func aLostOrStaleDoneOffsetBringsRecordsBack() async throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try EventJournal(directory: path, name: "p")
        let first = try await journal.append(Data("one".utf8))
        _ = try await journal.append(Data("two".utf8))
        try await journal.complete(first)
        #expect(try String(contentsOfFile: path + "/p.done", encoding: .utf8) == "00000000000000000007")
        #expect(await EventJournal.pendingBodies(directory: path) == ["two"])

        for lost in ["", "0", "3", "99", "garbage"] {
            try Data(lost.utf8).write(to: URL(fileURLWithPath: path + "/p.done"))
            #expect(await EventJournal.pendingBodies(directory: path) == ["one", "two"], "done file \(lost.debugDescription)")
        }
    }

    /// Appends made while an fsync runs wait for the next one together: 200 concurrent appends, all durable when they
    /// return, take far fewer fsyncs than appends (one each before).
    @Test func concurrentAppendsShareFsyncs() async throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try EventJournal(directory: path, name: "p")
        let syncsBefore = await journal.syncCount
        try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<200 { group.addTask { try await journal.append(Data("event \(index)".utf8)) } }
            for try await _ in group {}
        }
        let syncs = await journal.syncCount - syncsBefore
        #expect(syncs >= 1 && syncs < 100, "\(syncs) fsyncs for 200 appends")
        #expect(Set(await EventJournal.pendingBodies(directory: path)) == Set((0..<200).map { "event \($0)" }))
    }
}

extension EventJournal {
    /// The bodies a journal opened on `directory` finds pending, as text.
    static func pendingBodies(directory: String) async -> [String] {
        guard let journal = try? EventJournal(directory: directory, name: "p") else { return ["cannot open"] }
        return await journal.takePendingAtOpen().map { String(decoding: $0.body, as: UTF8.self) }
    }
}
