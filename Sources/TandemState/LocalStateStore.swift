import Foundation
import TandemCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// State in a local JSON file (`state/<workspace>.json`), locked by an exclusive lock file beside it, with the journal
/// of the running (or a killed) command beside it too (`state/<workspace>.json.journal`, mode 0600).
///
/// Writes go to a temporary file in the same directory (mode 0600), are fsync'd, renamed over the old file,
/// and the directory is fsync'd, so a crash leaves either the old or the new state; the journal is removed after.
public struct LocalStateStore: StateStore {
    /// Path of the state file.
    public let path: String

    /// The state file's path.
    public var location: String { path }

    /// Path of the lock file.
    public var lockPath: String { path + ".lock" }

    /// Path of the journal.
    public var journalPath: String { path + ".journal" }

    /// A store for the file at `path`.
    public init(path: String) {
        self.path = path
    }


    /// Reads and validates the state file, and replays the journal a killed command left; nil when neither exists.
    public func read() throws -> StateFile? {
        let file = try readFile()
        guard let journal = try readJournal() else { return file }
        return StateJournalReplay.replay(journal.records, onto: file) ?? file
    }

    /// The state file alone, without the journal; nil when it does not exist.
    public func readFile() throws -> StateFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StateError.io(path: path, operation: "read", errno: errno)
        }
        return try StateFile.decode(data, path: path)
    }

    /// The intact records of the journal, nil when there is none.
    public func readJournal() throws -> JournalFraming.Contents? {
        guard FileManager.default.fileExists(atPath: journalPath) else { return nil }
        guard let data = FileManager.default.contents(atPath: journalPath) else {
            throw StateError.io(path: journalPath, operation: "read", errno: errno)
        }
        return JournalFraming.records(in: data)
    }

    /// Replaces the state file atomically, mode 0600, then removes the journal (its operations are in `state`).
    public func write(_ state: StateFile) throws {
        try Self.writeAtomically(try state.encoded(), to: path)
        guard unlink(journalPath) == 0 || errno == ENOENT else {
            throw StateError.io(path: journalPath, operation: "remove", errno: errno)
        }
    }

    /// True when the journal file exists.
    public func hasJournal() throws -> Bool {
        FileManager.default.fileExists(atPath: journalPath)
    }

    /// Writes a leftover journal into the state first, then starts a new journal on `base`.
    public func openJournal(base: StateFile) throws -> any JournalWriter {
        if try hasJournal() { try write(base) }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        return try LocalJournalWriter(path: journalPath, first: .begin(lineage: base.lineage, serial: base.serial))
    }

    /// Writes `data` to `path` atomically with mode 0600 (see `AtomicFile`), creating the directory first (0700).
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try createPrivateDirectory(directory.isEmpty ? "." : directory)
        do {
            try AtomicFile.write(data, to: path)
        } catch {
            throw StateError.io(path: error.path, operation: error.operation, errno: error.errno)
        }
    }

    /// Creates `directory` and any missing parents with mode 0700 (state files hold secrets: only the owner may list
    /// or enter them); a directory that already exists keeps its mode.
    public static func createPrivateDirectory(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Takes the lock: the lock record is written to a temporary file first and then hard-linked into place, which
    /// fails if a lock exists; so no other process ever sees a half-written lock.
    public func lock(_ info: LockInfo) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = "\(lockPath).\(info.id).tmp"
        try Self.writeAtomically(try encoder.encode(info), to: temporary)
        defer { unlink(temporary) }
        guard link(temporary, lockPath) == 0 else {
            let error = errno
            if error == EEXIST {
                if let holder = try currentLock() { throw StateError.locked(holder, path: lockPath) }
                throw StateError.corrupt(path: lockPath, reason: "the lock file exists but cannot be read; if no tandem is running, remove it with tandem force-unlock UNREADABLE")
            }
            throw StateError.io(path: lockPath, operation: "create lock", errno: error)
        }
    }

    /// The id `force-unlock` accepts for a lock file whose content cannot be read.
    public static let unreadableLockID = "UNREADABLE"

    /// Removes the lock when it is still `info`'s.
    public func unlock(_ info: LockInfo) throws {
        guard let current = try currentLock(), current.id == info.id else { return }
        guard unlink(lockPath) == 0 else { throw StateError.io(path: lockPath, operation: "remove lock", errno: errno) }
    }

    /// The lock record, or nil when unlocked (or unreadable).
    public func currentLock() throws -> LockInfo? {
        guard let data = FileManager.default.contents(atPath: lockPath) else { return nil }
        return try? JSONDecoder().decode(LockInfo.self, from: data)
    }

    /// Removes the lock with id `id` (or an unreadable lock with `unreadableLockID`); refuses any other id.
    public func forceUnlock(id: String) throws {
        let current = try currentLock()
        let unreadable = current == nil && FileManager.default.fileExists(atPath: lockPath)
        guard current?.id == id || (unreadable && id == Self.unreadableLockID) else {
            throw StateError.lockMismatch(expected: id, actual: current)
        }
        guard unlink(lockPath) == 0 else { throw StateError.io(path: lockPath, operation: "remove lock", errno: errno) }
    }
}
