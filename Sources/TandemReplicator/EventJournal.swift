import Foundation
import TandemCore

/// A durable queue of pushed event bodies: `append` returns only once the body is on disk (fsync), so a push
/// endpoint can answer 200 knowing a crash loses nothing; work is then taken from the journal and `complete`d.
///
/// Files: `<name>.journal` (records: 4-byte big-endian length, then the body) and `<name>.done` (the offset below
/// which every record is done, written atomically). On open, records after that offset are pending again
/// (at-least-once); a torn record at the end (a crash mid-write) is cut off. When nothing is pending the journal
/// is truncated; it never holds more than `maximumBytes`: an append that would pass it throws `Full`, and the pusher
/// is told to retry (nothing it was answered for is ever dropped).
actor EventJournal {
    /// The journal holds `maximumBytes` already; the body was not stored.
    struct Full: Error, CustomStringConvertible {
        let maximumBytes: Int
        var description: String { "the journal holds its maximum of \(maximumBytes) bytes" }
    }

    let maximumBytes: Int
    private let journalPath: String
    private let donePath: String
    private let handle: FileHandle
    private var end: UInt64
    private var doneOffset: UInt64
    /// Offsets of records appended or loaded and not yet done, with the offset where each record ends.
    private var outstanding: [UInt64: UInt64] = [:]
    private var finished: Set<UInt64> = []
    private var pendingAtOpen: [(offset: UInt64, body: Data)] = []

    init(directory: String, name: String, maximumBytes: Int = Int.max) throws {
        self.maximumBytes = maximumBytes
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        journalPath = directory + "/\(name).journal"
        donePath = directory + "/\(name).done"
        if !FileManager.default.fileExists(atPath: journalPath) {
            _ = FileManager.default.createFile(atPath: journalPath, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: journalPath))
        var offset = (try? String(contentsOfFile: donePath, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        if offset > UInt64(data.count) { offset = 0 }
        doneOffset = offset
        var cursor = Int(offset)
        while cursor + 4 <= data.count {
            let length = data[cursor..<cursor + 4].reduce(0) { $0 << 8 | Int($1) }
            guard cursor + 4 + length <= data.count else { break }
            pendingAtOpen.append((UInt64(cursor), data.subdata(in: cursor + 4..<cursor + 4 + length)))
            outstanding[UInt64(cursor)] = UInt64(cursor + 4 + length)
            cursor += 4 + length
        }
        handle = try FileHandle(forUpdating: URL(fileURLWithPath: journalPath))
        // Cut a torn record so new appends start on a record boundary.
        try handle.truncate(atOffset: UInt64(cursor))
        try handle.synchronize()
        end = UInt64(cursor)
    }

    /// Records appended and not yet completed (the push source's queue lag).
    var pendingCount: Int { outstanding.count - finished.count }

    /// Bytes the journal file holds (records since it was last emptied).
    var byteCount: Int { Int(end) }

    /// Records left pending by an earlier run, in order; returned once.
    func takePendingAtOpen() -> [(offset: UInt64, body: Data)] {
        defer { pendingAtOpen = [] }
        return pendingAtOpen
    }

    /// Appends a body and forces it to disk; returns its offset (the id `complete` takes). Throws `Full` when the
    /// record would take the journal past `maximumBytes`.
    func append(_ body: Data) throws -> UInt64 {
        guard Int(end) + body.count + 4 <= maximumBytes else { throw Full(maximumBytes: maximumBytes) }
        var record = Data(capacity: body.count + 4)
        let length = UInt32(body.count)
        record.append(contentsOf: [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)])
        record.append(body)
        try handle.seek(toOffset: end)
        try handle.write(contentsOf: record)
        try handle.synchronize()
        let offset = end
        end += UInt64(record.count)
        outstanding[offset] = end
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
        if outstanding.isEmpty {
            try handle.truncate(atOffset: 0)
            try handle.synchronize()
            end = 0
            doneOffset = 0
        }
        try AtomicFile.write(Data(String(doneOffset).utf8), to: donePath)
    }
}
