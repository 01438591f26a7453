import AsyncHTTPClient
import Foundation
import NIOCore

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

    /// The pause before connecting again after `failures` failed connection attempts in a row: 100 ms, a quarter
    /// longer each time, at most 1 s (the schedule the HTTP client used when it retried connecting itself).
    func connectDelay(afterFailure failures: Int) -> Duration {
        min(.milliseconds(100) * pow(1.25, Double(min(failures - 1, 32))), .seconds(1))
    }

    /// Whether a thrown error (not a service answer) is a failure on an established connection
    /// (reset, closed, timed out while reading or writing) that is worth another try.
    ///
    /// Failures to connect are not: the transport already connects again until its connect
    /// timeout, so trying again would only multiply the wait (see ``isConnectFailure(_:)``).
    static func isRetryableTransportError(_ error: any Error) -> Bool {
        if error is CancellationError || error is AWSClientError || error is AWSServiceError { return false }
        if isConnectFailure(error) { return false }
        if let error = error as? HTTPClientError {
            return [
                HTTPClientError.remoteConnectionClosed, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout,
            ].contains(error)
        }
        // Other socket-level failures (connection reset mid-request) come as NIO errors.
        return error is IOError || error is ChannelError
    }

    /// Whether the endpoint could not be connected to at all (refused, unreachable, name not
    /// resolved, connect timeout).
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return error == .connectTimeout || error == .tlsHandshakeTimeout
        }
        if let error = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return true
        }
        // NIOPosix's NIOConnectionError (DNS failure or every address refused) is not visible from
        // NIOCore, so it is recognised by name.
        return String(reflecting: type(of: error)).hasSuffix("NIOConnectionError")
    }
}
