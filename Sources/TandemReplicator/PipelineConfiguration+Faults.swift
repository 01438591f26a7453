/// Checks and defaults of the settings that decide how a pipeline rides out faults: retries, reconciles, the push
/// endpoint's secret and file bounds.
extension PipelineConfiguration {
    /// The reconcile interval when the file leaves it unset (one hour).
    public static let defaultReconcileInterval = 3600
    /// The reconcile quiet period when the file leaves it unset (30 s).
    public static let defaultReconcileQuietPeriod = 30
    /// The journal and dead-letter bound when the file leaves it unset (64 MiB each).
    public static let defaultPushFileBytes = 64 << 20
    /// The shortest push secret accepted.
    public static let minimumSecretLength = 16

    /// Seconds between periodic reconciles; nil: only at start.
    var periodicReconcile: Duration? {
        let seconds = reconcileInterval ?? Self.defaultReconcileInterval
        return seconds > 0 ? .seconds(seconds) : nil
    }

    /// How long a reconcile lets a listed object settle before copying it.
    var reconcileQuiet: Duration {
        .seconds(reconcileQuietPeriod ?? Self.defaultReconcileQuietPeriod)
    }
}

extension ReplicatorConfiguration {
    func checkFaultSettings(_ pipeline: PipelineConfiguration, at: String) throws {
        if let problem = pipeline.retry?.problems.first { throw ConfigurationError("\(at).retry: \(problem)") }
        if let attempts = pipeline.maxAttempts, attempts < 1 { throw ConfigurationError("\(at).max_attempts must be at least 1") }
        if let interval = pipeline.reconcileInterval, interval < 0 { throw ConfigurationError("\(at).reconcile_interval must not be negative") }
        if let quiet = pipeline.reconcileQuietPeriod, quiet < 0 { throw ConfigurationError("\(at).reconcile_quiet_period must not be negative") }
        guard let http = pipeline.events.http else { return }
        guard !http.secret.isEmpty else { throw ConfigurationError("\(at).events.http.secret is missing (apply generates one)") }
        guard http.secret.count >= PipelineConfiguration.minimumSecretLength, http.secret.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ConfigurationError("\(at).events.http.secret must be at least \(PipelineConfiguration.minimumSecretLength) letters, digits, - or _")
        }
        for (name, value) in [("max_journal_bytes", http.maxJournalBytes), ("max_dead_letter_bytes", http.maxDeadLetterBytes)] {
            if let value, value < 1 << 16 { throw ConfigurationError("\(at).events.http.\(name) must be at least 65536") }
        }
    }
}
