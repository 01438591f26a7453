import Foundation

/// Handles every event of one delivered body (an SQS message, a Kafka record, a pushed request) for a pipeline:
/// decodes it, counts what it holds, and retries each failing event with exponential backoff and jitter up to
/// `maximumAttempts`. Every event source uses it; each decides what a failure means for its delivery (left to the
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
    let maximumAttempts: Int
    let log: @Sendable (String) -> Void

    init(pipeline: Pipeline, metrics: ReplicatorMetrics, maximumAttempts: Int, log: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        self.metrics = metrics
        self.maximumAttempts = max(maximumAttempts, 1)
        self.log = log
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
        for reason in decoded.skipped { metrics.add("events_skipped", pipeline: pipeline.name, reason: reason) }
        metrics.add("events_received", pipeline: pipeline.name, decoded.events.count)
        for event in decoded.events {
            var attempt = 1
            while true {
                do {
                    metrics.record(try await pipeline.timedHandle(event, metrics: metrics), pipeline: pipeline.name)
                    break
                } catch {
                    metrics.add("events_failed", pipeline: pipeline.name)
                    let what = "\(event.name) \(event.bucket)/\(event.key) (\(delivery), attempt \(attempt))"
                    if Task.isCancelled { return .interrupted }
                    guard attempt < maximumAttempts else { return .failed(reason: "\(what): \(error)") }
                    log("pipeline \(pipeline.name): \(what) failed: \(error)")
                    try? await Task.sleep(for: Backoff.delay(attempt: attempt))
                    attempt += 1
                }
            }
        }
        return .handled
    }
}

/// Exponential backoff with full jitter: attempt n waits a random time up to 0.2 s x 2^(n-1), at most 10 s.
enum Backoff {
    static func delay(attempt: Int) -> Duration {
        let ceiling = min(0.2 * pow(2, Double(attempt - 1)), 10)
        return .milliseconds(Int(Double.random(in: 0...ceiling) * 1000))
    }
}
