import Testing
@testable import TandemReplicator

/// The retry schedule of pushed and Kafka events: exponential with full jitter, capped, and given up only after
/// `max_elapsed`, so minutes of target outage are ridden out (the old schedule gave up after about a second).
struct RetryScheduleTests {
    @Test func waitsGrowExponentiallyUpToTheCap() {
        let schedule = RetrySchedule(initialDelay: 0.5, maximumDelay: 60, maximumElapsed: 600)
        #expect((1...9).map { schedule.ceiling(afterAttempt: $0) } == [0.5, 1, 2, 4, 8, 16, 32, 60, 60])
        #expect(schedule.ceiling(afterAttempt: 10_000) == 60, "no overflow for very late attempts")
        // Full jitter: the whole range from 0 to the ceiling is used.
        #expect(schedule.delay(afterAttempt: 4, elapsed: 10, random: { $0.upperBound }) == 4)
        #expect(schedule.delay(afterAttempt: 4, elapsed: 10, random: { $0.lowerBound }) == 0)
        for attempt in 1...20 {
            let delay = schedule.delay(afterAttempt: attempt, elapsed: 0)
            #expect(delay.map { $0 >= 0 && $0 <= schedule.ceiling(afterAttempt: attempt) } == true)
        }
    }

    @Test func givesUpOnlyAfterTheElapsedTimeOrTheAttemptCount() {
        let schedule = RetrySchedule(initialDelay: 0.5, maximumDelay: 60, maximumElapsed: 600)
        #expect(schedule.delay(afterAttempt: 5, elapsed: 2) != nil, "the old schedule's fifth attempt: still retried")
        #expect(schedule.delay(afterAttempt: 12, elapsed: 599.5, random: { $0.upperBound }) == 0.5, "the last wait ends at the deadline")
        #expect(schedule.delay(afterAttempt: 12, elapsed: 600) == nil)
        #expect(schedule.delay(afterAttempt: 3, elapsed: 1, maximumAttempts: 3) == nil)
        #expect(schedule.delay(afterAttempt: 2, elapsed: 1, maximumAttempts: 3) != nil)
        // Waits at the ceiling add up to more than the elapsed limit: the number of attempts covers the whole outage.
        var elapsed = 0.0, attempts = 1
        while let delay = schedule.delay(afterAttempt: attempts, elapsed: elapsed, random: { $0.upperBound }) {
            elapsed += delay
            attempts += 1
        }
        #expect(elapsed == 600 && attempts == 17)
    }

    @Test func nonsenseValuesAreProblems() {
        #expect(RetrySchedule(initialDelay: 0).problems == ["initial_delay must be more than 0"])
        #expect(RetrySchedule(initialDelay: 5, maximumDelay: 1).problems == ["max_delay must be at least initial_delay"])
        #expect(RetrySchedule().problems.isEmpty)
    }
}
