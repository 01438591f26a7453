/// Serialises work per key: two events for one key never run at once (their order would be a race), while
/// different keys run concurrently.
actor KeyLocks {
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` once no other work holds `key`.
    func withLock<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        if waiting[key] != nil {
            await withCheckedContinuation { waiting[key, default: []].append($0) }
        } else {
            waiting[key] = []
        }
        defer {
            if var queue = waiting[key], !queue.isEmpty {
                let next = queue.removeFirst()
                waiting[key] = queue
                next.resume()
            } else {
                waiting[key] = nil
            }
        }
        return try await body()
    }
}
