import AsyncHTTPClient
import Foundation

/// Bounded retries with exponential backoff and jitter, for 5xx answers, throttling and
/// connection failures.
struct RetryPolicy: Sendable {
    /// Total attempts, the first included.
    var maximumAttempts = 3
    /// The pause before the second attempt; it doubles for each further attempt.
    var baseDelay: Duration = .milliseconds(200)
    /// No pause is longer than this.
    var maximumDelay: Duration = .seconds(5)

    /// The pause after failed attempt number `attempt` (1-based): half fixed, half random
    /// ("equal jitter"), so concurrent clients spread out but never retry immediately.
    func delay(afterAttempt attempt: Int) -> Duration {
        let exponential = baseDelay * (1 << min(attempt - 1, 16))
        let capped = min(exponential, maximumDelay)
        return capped / 2 + capped / 2 * Double.random(in: 0...1)
    }

    /// Whether a thrown error (not a service answer) is a connection problem worth another try.
    static func isRetryableTransportError(_ error: any Error) -> Bool {
        if error is CancellationError || error is AWSClientError || error is AWSServiceError { return false }
        if let error = error as? HTTPClientError {
            return [
                HTTPClientError.connectTimeout, .remoteConnectionClosed, .readTimeout, .writeTimeout,
                .getConnectionFromPoolTimeout, .tlsHandshakeTimeout,
            ].contains(error)
        }
        // Socket-level failures (connection refused or reset) come as NIO errors.
        return true
    }
}
