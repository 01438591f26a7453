/// Paces the bytes copies write so that, over any stretch longer than a second, they average at most `bytesPerSecond`
/// (rclone's `--bwlimit`): each body waits until the bytes before it have had their time, with up to one second of
/// unused allowance kept for a burst.
actor BandwidthLimiter {
    private let bytesPerSecond: Int
    private var nextFree = ContinuousClock.now

    init(bytesPerSecond: Int) {
        self.bytesPerSecond = max(bytesPerSecond, 1)
    }

    /// Returns once `bytes` more may be sent.
    func take(_ bytes: Int) async throws {
        let now = ContinuousClock.now
        let start = max(nextFree, now - .seconds(1))
        nextFree = start + .nanoseconds(Int64(Double(bytes) / Double(bytesPerSecond) * 1e9))
        if nextFree > now { try await Task.sleep(until: nextFree) }
    }
}
