import Foundation
import TandemCore

/// A journal in a local file (mode 0600), flushed with `write` + `fsync` in groups (`GroupCommittedFile`): records
/// appended while one flush runs go out together in the next, so N concurrent operations cost about one fsync, not N.
public final class LocalJournalWriter: JournalWriter, Sendable {
    /// The journal file.
    public var path: String { file.path }
    private let file: GroupCommittedFile

    /// Creates (or truncates) the journal at `path` and makes `first` durable in it, with the new directory entry.
    public init(path: String, first: JournalRecord) throws {
        do {
            file = try GroupCommittedFile(path: path, keepingFirst: 0)
            _ = try file.append(try JournalFraming.frame(first))
            try file.synchronize()
        } catch let error as AtomicFile.WriteError {
            throw Self.stateError(error, creating: true)
        }
    }

    /// Adds the framed record to the buffer; nothing is written yet.
    public func append(_ record: JournalRecord) throws -> UInt64 {
        let bytes = try JournalFraming.frame(record)
        do {
            return try file.append(bytes).sequence
        } catch let error as AtomicFile.WriteError {
            throw Self.stateError(error, creating: false)
        }
    }

    /// Waits for a flush that covers `sequence`, starting one when none is running.
    public func makeDurable(upTo sequence: UInt64) async throws {
        do {
            try await file.makeDurable(upTo: sequence)
        } catch let error as AtomicFile.WriteError {
            throw Self.stateError(error, creating: false)
        }
    }

    /// Flushes, then closes the file.
    public func close() throws {
        do {
            try file.close()
        } catch let error as AtomicFile.WriteError {
            throw Self.stateError(error, creating: false)
        }
    }

    /// The state's error for a failed file operation, naming what was done to the journal.
    private static func stateError(_ error: AtomicFile.WriteError, creating: Bool) -> StateError {
        let operation = creating ? "create journal" : error.operation == "write" ? "write journal" : error.operation
        return StateError.io(path: error.path, operation: operation, errno: error.errno)
    }
}
