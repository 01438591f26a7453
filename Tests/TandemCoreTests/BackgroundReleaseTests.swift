import Foundation
import TandemCore
import Testing

@Suite struct BackgroundReleaseTests {
    /// Tells the thread it was freed on.
    private final class Tracked: @unchecked Sendable {
        let freed: @Sendable (pthread_t) -> Void
        init(freed: @escaping @Sendable (pthread_t) -> Void) { self.freed = freed }
        deinit { freed(pthread_self()) }
    }

    @Test func freesTheValueOnAnotherThread() async throws {
        let freedOnCaller = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, Error>) in
            Thread.detachNewThread {
                let caller = pthread_self()
                let value = [Tracked { continuation.resume(returning: pthread_equal($0, caller) != 0) }]
                BackgroundRelease.release(consume value)
            }
        }
        #expect(!freedOnCaller)
    }
}
