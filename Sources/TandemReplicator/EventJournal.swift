import Foundation
import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// A durable queue of pushed event bodies: `append` returns only once the body is on disk, so a push endpoint can
/// answer 200 knowing a crash loses nothing; work is then taken from the journal and `complete`d. Appends made while
/// one fsync runs share the next (`GroupCommittedFile`): concurrent pushes cost about one fsync together.
///
/// Files: `<name>.journal` (records: 4-byte big-endian length, then the body) and `<name>.done` (the offset below
/// which every record is done, 20 decimal digits written in place with one `pwrite`). The done offset is not synced:
/// after a crash it may be older (or unreadable), and records already handled are handled again (at-least-once; a handled event copies the
/// source's current state, so a repeat changes nothing). On open, the done offset counts only where it falls on a
/// record boundary, records after it are pending again, and a torn record at the end (a crash mid-write) is cut off.
/// Once nothing is pending and the file has reached `compactionBytes` it is emptied (durably, with the done offset
/// reset, the only time the done file is synced); it never holds more than `maximumBytes`: an append that would pass
/// it throws `Full`, and the pusher is told to retry (nothing it was answered for is ever dropped).
actor EventJournal {
    /// The journal holds `maximumBytes` already; the body was not stored.
    struct Full: Error, CustomStringConvertible {
        let maximumBytes: Int
        var description: String { "the journal holds its maximum of \(maximumBytes) bytes" }
    }

    let maximumBytes: Int
    /// Size at which an idle journal is emptied.
    let compactionBytes: Int
    private let doneDescriptor: Int32
    private let file: GroupCommittedFile
    private var end: UInt64
    private var doneOffset: UInt64
    /// Offsets of records appended or loaded and not yet done, with the offset where each record ends.
    private var outstanding: [UInt64: UInt64] = [:]
    private var finished: Set<UInt64> = []
    private var pendingAtOpen: [(offset: UInt64, body: Data)] = []

    init(directory: String, name: String, maximumBytes: Int = Int.max, compactionBytes: Int = 1 << 20) throws {
        self.maximumBytes = maximumBytes
        self.compactionBytes = min(compactionBytes, maximumBytes / 2)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let journalPath = directory + "/\(name).journal"
        let donePath = directory + "/\(name).done"
        let data = (try? Data(contentsOf: URL(fileURLWithPath: journalPath))) ?? Data()
        let recordedDone = (try? String(contentsOfFile: donePath, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        var records: [(offset: Int, end: Int)] = []
        var cursor = 0
        while cursor + 4 <= data.count {
            let length = data[cursor..<cursor + 4].reduce(0) { $0 << 8 | Int($1) }
            guard cursor + 4 + length <= data.count else { break }
            records.append((cursor, cursor + 4 + length))
            cursor += 4 + length
        }
        // A done offset that is not a record boundary (a done file from before the journal was emptied, or cut by a
        // crash) counts for nothing: every record is pending again.
        let done = records.contains { $0.end == Int(recordedDone) } ? recordedDone : 0
        for record in records where record.offset >= Int(done) {
            pendingAtOpen.append((UInt64(record.offset), data.subdata(in: record.offset + 4..<record.end)))
            outstanding[UInt64(record.offset)] = UInt64(record.end)
        }
        doneOffset = done
        // Cut a torn record so new appends start on a record boundary.
        file = try GroupCommittedFile(path: journalPath, keepingFirst: UInt64(cursor))
        end = UInt64(cursor)
        // Opened last: nothing after it can throw and leave it open.
        doneDescriptor = open(donePath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard doneDescriptor >= 0 else { throw AtomicFile.WriteError(path: donePath, operation: "open", errno: errno) }
    }

    deinit {
        close(doneDescriptor)
    }

    /// Records appended and not yet completed (the push source's queue lag), and the bytes the journal file holds
    /// (records since it was last emptied): read together, in one visit to the journal.
    var lag: (pending: Int, bytes: Int) { (outstanding.count - finished.count, Int(end)) }

    /// How many fsyncs the journal file took since it was opened.
    var syncCount: Int { file.syncCount }

    /// Records left pending by an earlier run, in order; returned once.
    func takePendingAtOpen() -> [(offset: UInt64, body: Data)] {
        defer { pendingAtOpen = [] }
        return pendingAtOpen
    }

    /// Appends a body and waits until it is on disk (with whatever else was appended meanwhile); returns its offset
    /// (the id `complete` takes). Throws `Full` when the record would take the journal past `maximumBytes`.
    func append(_ body: Data) async throws -> UInt64 {
        guard Int(end) + body.count + 4 <= maximumBytes else { throw Full(maximumBytes: maximumBytes) }
        var record = [UInt8]()
        record.reserveCapacity(body.count + 4)
        let length = UInt32(body.count)
        record.append(contentsOf: [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)])
        record.append(contentsOf: body)
        let (sequence, offset) = try file.append(record)
        end = offset + UInt64(record.count)
        outstanding[offset] = end
        do {
            try await file.makeDurable(upTo: sequence)
        } catch {
            // Not stored as far as the pusher knows (it retries); the record must not hold the done offset back.
            try? complete(offset)
            throw error
        }
        return offset
    }

    /// Marks a record done. The done offset advances over every contiguous done record; when nothing is
    /// outstanding the journal is emptied.
    func complete(_ offset: UInt64) throws {
        guard outstanding[offset] != nil else { return }
        finished.insert(offset)
        var advanced = false
        while let next = outstanding[doneOffset], finished.contains(doneOffset) {
            finished.remove(doneOffset)
            outstanding[doneOffset] = nil
            doneOffset = next
            advanced = true
        }
        guard advanced else { return }
        if outstanding.isEmpty, end >= UInt64(compactionBytes) {
            try file.truncate()
            end = 0
            doneOffset = 0
            try recordDone(durably: true)
            return
        }
        try recordDone(durably: false)
    }

    /// Writes the done offset over the done file's 20 digits (20 bytes within one page: they land whole or not at all).
    private func recordDone(durably: Bool) throws {
        let digits = Array(String(doneOffset).utf8)
        let field = Array(repeating: UInt8(ascii: "0"), count: 20 - digits.count) + digits
        guard pwrite(doneDescriptor, field, field.count, 0) == field.count, !durably || fsync(doneDescriptor) == 0 else {
            throw AtomicFile.WriteError(path: "\(file.path) (done offset)", operation: "write", errno: errno)
        }
    }
}
