import AWSClient
import TandemEngine

/// Typed, bounded retries for AWS's eventual consistency: only errors that name a known propagation delay are
/// retried, each attempt is reported with its reason, and after the last attempt the service's error is raised.
struct EventualConsistency: Sendable {
    /// One known propagation delay: which errors it explains and how to tell the user.
    struct Reason: Sendable {
        /// What the wait is for, shown in progress output.
        var explanation: String
        /// Whether an error is this delay.
        var matches: @Sendable (AWSServiceError) -> Bool
    }

    /// A principal (role or user) created moments ago that IAM or S3 does not recognise yet.
    static let principalNotYetVisible = Reason(explanation: "a principal created moments ago is not visible yet (IAM propagation)") { error in
        ["MalformedPolicy", "MalformedPolicyDocument", "InvalidArgument"].contains(error.code)
            && error.message.lowercased().contains("principal")
    }

    /// S3 validates a notification destination by writing a test event; it fails until the queue policy allowing S3
    /// has propagated.
    static let destinationNotValidated = Reason(explanation: "S3 cannot validate the notification destination yet (queue policy propagation)") { error in
        error.code == "InvalidArgument" && error.message.contains("Unable to validate the following destination configurations")
    }

    /// Versioning just enabled on a bucket is not yet seen by the replication configuration check.
    static let versioningNotYetVisible = Reason(explanation: "versioning enabled moments ago is not visible to S3 replication yet") { error in
        error.code == "InvalidRequest" && error.message.lowercased().contains("versioning")
    }

    /// A role created moments ago that S3 cannot assume yet.
    static let roleNotYetAssumable = Reason(explanation: "the IAM role created moments ago cannot be assumed yet") { error in
        (error.code == "InvalidArgument" || error.code == "InvalidRequest")
            && error.message.lowercased().contains("role")
    }

    /// Attempts in all, including the first.
    var attempts = 8
    /// The first pause; it doubles up to `maximumDelay`.
    var initialDelay: Duration = .seconds(1)
    /// The longest pause between attempts.
    var maximumDelay: Duration = .seconds(8)

    /// Runs `body`, retrying when it fails with an error one of `reasons` explains.
    func run<T: Sendable>(_ reasons: [Reason], operation: String, progress: ProgressReporter,
                          _ body: @Sendable () async throws -> T) async throws -> T {
        var delay = initialDelay
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as AWSServiceError {
                guard attempt < attempts, let reason = reasons.first(where: { $0.matches(error) }) else { throw error }
                attempt += 1
                progress("\(operation): \(reason.explanation); retrying in \(delay) (attempt \(attempt) of \(attempts))")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, maximumDelay)
            }
        }
    }
}
