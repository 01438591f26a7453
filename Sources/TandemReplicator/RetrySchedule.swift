import Foundation

/// When to try a failing event again: exponential backoff with full jitter (attempt n waits a random time up to
/// `initialDelay` x 2^(n-1), at most `maximumDelay`), giving up once `maximumElapsed` has passed since the first
/// attempt (or after the pipeline's `max_attempts`, when set). The defaults ride out about ten minutes of target outage
/// (an IAM change still propagating, a gateway restart) instead of about a second.
public struct RetrySchedule: Codable, Sendable, Equatable {
    /// Seconds: the first retry waits up to this long.
    public var initialDelay: Double
    /// Seconds: no wait is longer.
    public var maximumDelay: Double
    /// Seconds since the first attempt after which a still-failing event is given up (dead-lettered).
    public var maximumElapsed: Double
    enum CodingKeys: String, CodingKey {
        case initialDelay = "initial_delay", maximumDelay = "max_delay", maximumElapsed = "max_elapsed"
    }

    /// Creates a schedule.
    public init(initialDelay: Double = 0.5, maximumDelay: Double = 60, maximumElapsed: Double = 600) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumElapsed = maximumElapsed
    }

    /// The upper bound of the wait after failed attempt `attempt` (1-based).
    public func ceiling(afterAttempt attempt: Int) -> Double {
        // 2^(n-1) grows past any cap long before it overflows a Double; the exponent is bounded anyway.
        min(initialDelay * pow(2, Double(min(max(attempt - 1, 0), 60))), maximumDelay)
    }

    /// The wait after failed attempt `attempt`, `elapsed` seconds after the first attempt; nil when the event is given
    /// up (`maximumElapsed` passed, or `maximumAttempts` made). A wait never runs past `maximumElapsed`, so the last
    /// attempt comes at that deadline at the latest.
    public func delay(afterAttempt attempt: Int, elapsed: Double, maximumAttempts: Int? = nil,
                      random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Double? {
        if let maximumAttempts, attempt >= maximumAttempts { return nil }
        guard elapsed < maximumElapsed else { return nil }
        return min(random(0...ceiling(afterAttempt: attempt)), maximumElapsed - elapsed)
    }

    /// Problems with the values, for the configuration check.
    var problems: [String] {
        var problems: [String] = []
        if !(initialDelay > 0) { problems.append("initial_delay must be more than 0") }
        if !(maximumDelay >= initialDelay) { problems.append("max_delay must be at least initial_delay") }
        if !(maximumElapsed >= 0) { problems.append("max_elapsed must not be negative") }
        return problems
    }
}
