import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A journal in a local file (mode 0600), flushed with `write` + `fsync` on a dedicated queue: records appended while
/// one flush runs go out together in the next, so N concurrent operations cost about one fsync, not N.
public final class LocalJournalWriter: JournalWriter, @unchecked Sendable {
    /// The journal file.
    public let path: String
    private let descriptor: Int32
    private let mutex = NSLock()
    private let flushQueue = DispatchQueue(label: "tandem.state-journal")
    // Guarded by `mutex`.
    private var buffer: [UInt8] = []
    private var appended: UInt64 = 0
    private var durable: UInt64 = 0
    private var flushScheduled = false
    private var failure: StateError?
    private var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var closed = false

    /// Creates (or truncates) the journal at `path` and makes `first` durable in it, with the new directory entry.
    public init(path: String, first: JournalRecord) throws {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StateError.io(path: path, operation: "create journal", errno: errno) }
        fchmod(descriptor, 0o600)
        self.descriptor = descriptor
        try Self.writeAll(try JournalFraming.frame(first), to: descriptor, path: path)
        let directory = (path as NSString).deletingLastPathComponent
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            Glibc.close(directoryDescriptor)
        }
    }

    deinit {
        if !closed { Glibc.close(descriptor) }
    }

    /// Adds the framed record to the buffer; nothing is written yet.
    public func append(_ record: JournalRecord) throws -> UInt64 {
        let bytes = try JournalFraming.frame(record)
        return try mutex.withLock {
            if let failure { throw failure }
            guard !closed else { throw StateError.io(path: path, operation: "append to closed journal", errno: EBADF) }
            buffer.append(contentsOf: bytes)
            appended += 1
            return appended
        }
    }

    /// Waits for a flush that covers `sequence`, starting one when none is running.
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

    /// Flushes, then closes the file.
    public func close() throws {
        try flushQueue.sync {
            try mutex.withLock {
                if let failure { throw failure }
                guard !closed else { return }
                try Self.writeAll(buffer, to: descriptor, path: path)
                buffer = []
                durable = appended
                closed = true
            }
            Glibc.close(descriptor)
        }
    }

    /// Writes and syncs what is buffered, wakes the waiters it covers, and repeats while more arrived meanwhile.
    private func flushUntilIdle() {
        while true {
            let (bytes, target): ([UInt8], UInt64) = mutex.withLock {
                defer { buffer = [] }
                return (buffer, appended)
            }
            var error: StateError?
            do {
                try Self.writeAll(bytes, to: descriptor, path: path)
            } catch let failed as StateError {
                error = failed
            } catch {}
            let (ready, more): ([CheckedContinuation<Void, any Error>], Bool) = mutex.withLock {
                if let error { failure = error } else { durable = target }
                let covered = failure == nil ? waiters.filter { $0.sequence <= target } : waiters
                waiters.removeAll { failure != nil || $0.sequence <= target }
                let more = failure == nil && !waiters.isEmpty
                if !more { flushScheduled = false }
                return (covered.map(\.continuation), more)
            }
            for continuation in ready {
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            }
            if !more { return }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
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
        guard result == 0 else { throw StateError.io(path: path, operation: "write journal", errno: result) }
    }
}
