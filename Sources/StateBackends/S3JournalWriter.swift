import Foundation
import TandemState

/// The journal of a command on an ``S3StateStore``: records are folded into a ``WorkingState`` as they come, and
/// making one durable writes the whole folded state (conditional on the version, like every write). Concurrent
/// callers share one write (group commit): a write covers every record appended before it started.
final class S3JournalWriter: JournalWriter, @unchecked Sendable {
    private let lock = NSLock()
    private let store: S3StateStore
    private var working: WorkingState
    private var appended: UInt64 = 0
    private var durable: UInt64 = 0
    /// The last write started; the next waits for it, so writes go out one at a time and in order.
    private var tail: Task<Void, any Error>?

    init(base: StateFile, store: S3StateStore) {
        self.store = store
        working = WorkingState(base)
    }

    func append(_ record: JournalRecord) throws -> UInt64 {
        lock.withLock {
            working.apply(record)
            appended += 1
            return appended
        }
    }

    func makeDurable(upTo sequence: UInt64) async throws {
        let write: Task<Void, any Error> = lock.withLock {
            let previous = tail
            let next = Task { [self] in
                _ = try? await previous?.value
                let (covered, snapshot): (UInt64, StateFile?) = lock.withLock {
                    durable >= sequence ? (durable, nil) : (appended, working.stateFile)
                }
                guard let snapshot else { return }
                try await store.write(snapshot)
                lock.withLock { durable = max(durable, covered) }
            }
            tail = next
            return next
        }
        try await write.value
    }

    func close() async throws {
        try await makeDurable(upTo: lock.withLock { appended })
    }
}
