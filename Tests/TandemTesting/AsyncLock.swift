/// A lock that async tests wait for without holding a thread: `run` lets one body in at a time, the others in the
/// order they came.
public actor AsyncLock {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Creates an unlocked lock.
    public init() {}

    /// Runs `body` while no other body of this lock runs.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if held {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            held = true
        }
        defer {
            if waiting.isEmpty { held = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
