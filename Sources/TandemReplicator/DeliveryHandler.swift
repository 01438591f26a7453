import Foundation

/// Handles every event of one delivered body (an SQS message, a Kafka record, a pushed request) for a pipeline:
/// decodes it, counts what it holds, and retries each failing event by the pipeline's `RetrySchedule` (exponential
/// backoff with full jitter and a cap, for up to `max_elapsed`). Every event source uses it; each decides what a failure means for its delivery (left to the
/// queue's redrive policy, sent to a dead-letter topic, written to the dead-letter file).
struct DeliveryHandler: Sendable {
    /// How a body ended.
    enum Outcome: Sendable, Equatable {
        /// Every event in it was handled (or skipped); the delivery may be acknowledged.
        case handled
        /// It is not an S3 event, or an event in it still failed after the last attempt.
        case failed(reason: String)
        /// Shutdown came while an event was failing: neither handled nor failed; deliver it again next run.
        case interrupted
    }

    let pipeline: Pipeline
    let metrics: ReplicatorMetrics
    let schedule: RetrySchedule
    /// At most this many attempts per event (nil: the schedule's elapsed time alone decides).
    let maximumAttempts: Int?
    let log: @Sendable (String) -> Void

    init(pipeline: Pipeline, metrics: ReplicatorMetrics, schedule: RetrySchedule, maximumAttempts: Int?, log: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        self.metrics = metrics
        self.schedule = schedule
        self.maximumAttempts = maximumAttempts.map { max($0, 1) }
        self.log = log
    }

    /// The handler of `pipeline` with its configured schedule and attempts.
    init(pipeline: Pipeline, metrics: ReplicatorMetrics, log: @escaping @Sendable (String) -> Void) {
        self.init(pipeline: pipeline, metrics: metrics, schedule: pipeline.configuration.retry ?? RetrySchedule(),
                  maximumAttempts: pipeline.configuration.maxAttempts, log: log)
    }

    /// Handles `body`; `delivery` names it in log lines (a message id, a partition and offset).
    func handle(_ body: Data, delivery: String) async -> Outcome {
        let decoded: EventDecoder.Decoded
        do {
            decoded = try EventDecoder.decode(body)
        } catch {
            metrics.add("events_failed", pipeline: pipeline.name)
            return .failed(reason: "\(error)")
        }
        return await handle(decoded, delivery: delivery)
    }

    /// Handles the events of a body decoded already (a push is decoded once, when it is accepted).
    func handle(_ decoded: EventDecoder.Decoded, delivery: String) async -> Outcome {
        for reason in decoded.skipped { metrics.add("events_skipped", pipeline: pipeline.name, reason: reason) }
        metrics.add("events_received", pipeline: pipeline.name, decoded.events.count)
        let clock = ContinuousClock()
        for event in decoded.events {
            var attempt = 1
            let firstAttempt = clock.now
            while true {
                do {
                    metrics.record(try await pipeline.timedHandle(event, metrics: metrics), pipeline: pipeline.name)
                    break
                } catch {
                    metrics.add("events_failed", pipeline: pipeline.name)
                    let what = "\(event.name) \(event.bucket)/\(event.key) (\(delivery), attempt \(attempt))"
                    if Task.isCancelled { return .interrupted }
                    let elapsed = (clock.now - firstAttempt) / .seconds(1)
                    guard let delay = schedule.delay(afterAttempt: attempt, elapsed: elapsed, maximumAttempts: maximumAttempts) else {
                        return .failed(reason: "\(what), given up after \(Int(elapsed.rounded())) s: \(error)")
                    }
                    log("pipeline \(pipeline.name): \(what) failed (next attempt in \(String(format: "%.1f", delay)) s): \(error)")
                    metrics.add("events_retried", pipeline: pipeline.name)
                    try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                    if Task.isCancelled { return .interrupted }
                    attempt += 1
                }
            }
        }
        return .handled
    }
}
