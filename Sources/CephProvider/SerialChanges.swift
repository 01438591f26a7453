/// Runs the provider's changes one at a time. Multisite changes are read-modify-write of one zonegroup object
/// (sync policy, zone lists) followed by a period commit, so two concurrent radosgw-admin changes could lose one
/// another's edits; reads still run in parallel.
actor SerialChanges {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every earlier change has finished.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        }
        return try await body()
    }
}
