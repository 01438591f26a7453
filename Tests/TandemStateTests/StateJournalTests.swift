import Foundation
import Testing
import TandemCore
@testable import TandemState

@Suite struct StateJournalTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-journal-\(UUID())").path

    private var store: LocalStateStore { LocalStateStore(path: directory + "/state/default.json") }

    private func resource(_ name: String, arn: String? = nil) -> ResourceState {
        var attributes: [String: Value] = ["name": .string(name)]
        if let arn { attributes["arn"] = .string(arn) }
        return ResourceState(address: ResourceAddress(type: "aws_sqs_queue", name: name), provider: "aws", attributes: .map(attributes), dependencies: [])
    }

    private func write(_ records: [JournalRecord], to journal: any JournalWriter) async throws {
        var last: UInt64 = 0
        for record in records { last = try journal.append(record) }
        try await journal.makeDurable(upTo: last)
    }

    @Test func replayOfAKilledCommandGivesTheStateItReachedWithPendingCreates() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var base = StateFile()
        base.serial = 4
        base.upsert(resource("old", arn: "arn:old"))
        try store.write(base)
        let journal = try store.openJournal(base: base)
        try await write([.intent(resource("a")), .upsert(resource("a", arn: "arn:a")), .intent(resource("b")),
                         .remove(ResourceAddress(type: "aws_sqs_queue", name: "old"))], to: journal)
        // Killed here: no close, no state write. The file on disk is unchanged; read() replays the journal.
        #expect(try store.readFile() == base)
        let replayed = try #require(try store.read())
        #expect(replayed.lineage == base.lineage)
        #expect(replayed.serial == 5)
        #expect(replayed.resources.map(\.address.name) == ["a"])
        #expect(replayed.resources.first?.attributes["arn"] == .string("arn:a"))
        #expect(replayed.pendingCreates == [resource("b")])
        #expect(try store.hasJournal())
    }

    @Test func tornLastRecordIsIgnoredAndEveryIntactOneKept() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = StateFile()
        let journal = try store.openJournal(base: base)
        try await write([.intent(resource("a")), .intent(resource("b"))], to: journal)
        try await journal.close()
        let intact = try #require(FileManager.default.contents(atPath: store.journalPath))
        let third = try JournalFraming.frame(.intent(resource("c")))
        for cut in [1, 7, 8, third.count / 2, third.count - 1] {
            try (intact + Data(third.prefix(cut))).write(to: URL(fileURLWithPath: store.journalPath))
            let contents = try #require(try store.readJournal())
            #expect(contents.records.count == 3, "cut at \(cut)")
            #expect(contents.ignoredBytes == cut)
            #expect(try store.read()?.pendingCreates.map(\.address.name) == ["a", "b"])
        }
        // A damaged byte inside the last record fails its checksum.
        var damaged = intact + Data(third)
        damaged[damaged.count - 3] ^= 0x20
        try damaged.write(to: URL(fileURLWithPath: store.journalPath))
        #expect(try store.readJournal()?.records.count == 3)
        try (intact + Data(third)).write(to: URL(fileURLWithPath: store.journalPath))
        #expect(try store.read()?.pendingCreates.map(\.address.name) == ["a", "b", "c"])
    }

    @Test func writingTheStateFoldsAndRemovesTheJournalAndAStaleJournalIsIgnored() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = StateFile()
        let journal = try store.openJournal(base: base)
        try await write([.intent(resource("a")), .upsert(resource("a", arn: "arn:a"))], to: journal)
        try await journal.close()
        let folded = try #require(try store.read())
        try store.write(folded)
        #expect(!(try store.hasJournal()))
        #expect(try store.read() == folded)
        #expect(folded.serial == 1)

        // A kill after the state was written but before the journal was removed leaves a journal of an older serial.
        let stale = try store.openJournal(base: base)
        try await write([.remove(ResourceAddress(type: "aws_sqs_queue", name: "a"))], to: stale)
        try await stale.close()
        #expect(try store.read() == folded)
    }

    @Test func journalIsMode0600AndOpeningOneFoldsALeftoverFirst() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try store.openJournal(base: StateFile(lineage: "l"))
        try await write([.intent(resource("a"))], to: first)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.journalPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // The next command reads (replaying) and opens its own journal: the leftover's operations land in the file.
        let replayed = try #require(try store.read())
        let second = try store.openJournal(base: replayed)
        #expect(try store.readFile()?.pendingCreates == [resource("a")])
        try await write([.upsert(resource("a", arn: "arn:a"))], to: second)
        #expect(try store.read()?.pendingCreates == [])
        #expect(try store.read()?.resources.count == 1)
        #expect(try store.read()?.serial == 2)
    }

    @Test func concurrentAppendsShareFlushesAndAllBecomeDurableInOrder() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try store.openJournal(base: StateFile(lineage: "l"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let sequence = try journal.append(.intent(resource("q\(index)")))
                    try await journal.makeDurable(upTo: sequence)
                }
            }
            try await group.waitForAll()
        }
        let contents = try #require(try store.readJournal())
        #expect(contents.ignoredBytes == 0)
        #expect(contents.records.count == 201)
        #expect(Set(try #require(try store.read()).pendingCreates.map(\.address.name)) == Set((0..<200).map { "q\($0)" }))
    }

    @Test func everyRecordKindRoundTrips() throws {
        let records: [JournalRecord] = [
            .begin(lineage: "l", serial: 3), .intent(resource("a")), .upsert(resource("a", arn: "x")),
            .remove(ResourceAddress(type: "t", name: "n")), .replaceDeposing(resource("b")), .removeDeposed(resource("c")),
            .move(from: ResourceAddress(type: "t", name: "n"), to: ResourceAddress(type: "t", name: "m")),
            .outputs(["o": OutputState(value: .string("v"), sensitive: true)]), .appliedPlan("p"),
        ]
        let bytes = try records.flatMap { try JournalFraming.frame($0) }
        #expect(JournalFraming.records(in: Data(bytes)) == JournalFraming.Contents(records: records, ignoredBytes: 0))
    }
}

@Suite struct PendingCreateSettlementTests {
    @Test func recordingAResourceAtAPendingAddressSettlesIt() {
        let address = ResourceAddress(type: "aws_s3_bucket", name: "b")
        var state = StateFile()
        state.pendingCreates = [ResourceState(address: address, provider: "aws", attributes: .map(["bucket": .string("b")]), dependencies: [])]
        state.upsert(ResourceState(address: address, provider: "aws", attributes: .map(["bucket": .string("b"), "arn": .string("arn:aws:s3:::b")]), dependencies: []))
        #expect(state.pendingCreates.isEmpty)
        var working = WorkingState(StateFile())
        working.apply(.intent(ResourceState(address: address, provider: "aws", attributes: .null, dependencies: [])))
        #expect(working.pendingCreates.count == 1)
        working.apply(.upsert(ResourceState(address: address, provider: "aws", attributes: .map([:]), dependencies: [])))
        #expect(working.pendingCreates.isEmpty && working.stateFile.resources.count == 1)
    }
}
