import Foundation
import Testing
@testable import TandemReplicator

/// The push journal: what was accepted survives a restart, torn writes are cut off, and it empties itself.
struct EventJournalTests {
    private func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-journal-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func acceptedBodiesSurviveARestartUntilDone() async throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try EventJournal(directory: path, name: "p")
        let first = try await journal.append(Data("one".utf8))
        let second = try await journal.append(Data("two".utf8))
        _ = try await journal.append(Data("three".utf8))
        try await journal.complete(first)
        try await journal.complete(second)
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "/p.journal")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // A crash, then a restart: only what was not done comes back.
        let reopened = try EventJournal(directory: path, name: "p")
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
}
