import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file only ever appended to (mode 0600), made durable in groups: appends are buffered, and one `write` + `fsync`
/// on a dedicated queue covers every append made before it started, so N concurrent writers waiting for durability
/// cost about one fsync, not N. Used by the state journal and the replicator's event journal. Its errors are
/// `AtomicFile.WriteError`s.
///
/// After a failed write or fsync the file refuses everything (a later fsync could report success for data the kernel
/// already dropped).
public final class GroupCommittedFile: @unchecked Sendable {
    /// The file.
    public let path: String
    private let descriptor: Int32
    private let mutex = NSLock()
    private let flushQueue = DispatchQueue(label: "tandem.group-committed-file")
    // Guarded by `mutex`.
    private var buffer: [UInt8] = []
    private var size: UInt64
    private var appended: UInt64 = 0
    private var durable: UInt64 = 0
    private var flushScheduled = false
    private var failure: AtomicFile.WriteError?
    private var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var closed = false
    private var syncs = 0

    /// Opens (creating) the file at `path`, cut to its first `length` bytes (0 empties it), durably: the cut and a new
    /// directory entry are synced before this returns.
    public init(path: String, keepingFirst length: UInt64) throws(AtomicFile.WriteError) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AtomicFile.WriteError(path: path, operation: "create", errno: errno) }
        fchmod(descriptor, 0o600)
        guard ftruncate(descriptor, off_t(length)) == 0, fsync(descriptor) == 0 else {
            let error = errno
            Glibc.close(descriptor)
            throw AtomicFile.WriteError(path: path, operation: "truncate", errno: error)
        }
        self.descriptor = descriptor
        size = length
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            Glibc.close(directoryDescriptor)
        }
    }

    /// How many times the file was synced since it was opened (its flushes and truncations).
    public var syncCount: Int { mutex.withLock { syncs } }

    deinit {
        if !closed { Glibc.close(descriptor) }
    }

    /// Adds `bytes` at the end of the buffer; nothing is written yet. Returns the append's sequence number (1, 2, ...)
    /// for ``makeDurable(upTo:)`` and the offset in the file where the bytes start.
    public func append(_ bytes: [UInt8]) throws -> (sequence: UInt64, offset: UInt64) {
        try mutex.withLock { () throws -> (sequence: UInt64, offset: UInt64) in
            if let failure { throw failure }
            guard !closed else { throw AtomicFile.WriteError(path: path, operation: "append to the closed file", errno: EBADF) }
            buffer.append(contentsOf: bytes)
            appended += 1
            defer { size += UInt64(bytes.count) }
            return (appended, size)
        }
    }

    /// Returns once append `sequence` and every one before it are on disk, starting a flush when none is running.
    public func makeDurable(upTo sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startFlush: Bool = mutex.withLock {
                if let failure {
                    continuation.resume(throwing: failure)
                    return false
                }
                if durable >= sequence {
                    continuation.resume()
                    return false
                }
                waiters.append((sequence, continuation))
                defer { flushScheduled = true }
                return !flushScheduled
            }
            if startFlush { flushQueue.async { self.flushUntilIdle() } }
        }
    }

    /// Writes and syncs what is buffered now, on the calling thread.
    public func synchronize() throws {
        try flushQueue.sync { try flushBuffer() }
    }

    /// Empties the file durably (every append so far counts as durable: its bytes are gone by design).
    public func truncate() throws {
        try flushQueue.sync {
            try flushBuffer()
            guard ftruncate(descriptor, 0) == 0, fsync(descriptor) == 0 else {
                let error = AtomicFile.WriteError(path: path, operation: "truncate", errno: errno)
                mutex.withLock { failure = error }
                throw error
            }
            mutex.withLock {
                size = 0
                syncs += 1
            }
        }
    }

    /// Flushes, then closes the file.
    public func close() throws {
        try flushQueue.sync {
            guard !mutex.withLock({ closed }) else { return }
            try flushBuffer()
            mutex.withLock { closed = true }
            Glibc.close(descriptor)
        }
    }

    /// On the flush queue: writes and syncs the buffer, and marks what it held durable.
    private func flushBuffer() throws(AtomicFile.WriteError) {
        let (bytes, target, failed) = mutex.withLock {
            defer { buffer = [] }
            return (buffer, appended, failure)
        }
        if let failed { throw failed }
        do {
            try Self.writeAll(bytes, to: descriptor, path: path)
        } catch {
            mutex.withLock { failure = error }
            throw error
        }
        mutex.withLock {
            durable = max(durable, target)
            syncs += 1
        }
    }

    /// Writes and syncs what is buffered, wakes the waiters it covers, and repeats while more arrived meanwhile.
    private func flushUntilIdle() {
        while true {
            let error: AtomicFile.WriteError?
            do {
                try flushBuffer()
                error = nil
            } catch let failed {
                error = failed
            }
            let (ready, more): ([CheckedContinuation<Void, any Error>], Bool) = mutex.withLock {
                let covered = error == nil ? waiters.filter { $0.sequence <= durable } : waiters
                waiters.removeAll { error != nil || $0.sequence <= durable }
                let more = error == nil && !waiters.isEmpty
                if !more { flushScheduled = false }
                return (covered.map(\.continuation), more)
            }
            for continuation in ready {
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
            if !more { return }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(AtomicFile.WriteError) {
        var written = 0
        let result: Int32 = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return fsync(descriptor) == 0 ? 0 : errno
        }
        guard result == 0 else { throw AtomicFile.WriteError(path: path, operation: "write", errno: result) }
    }
}
