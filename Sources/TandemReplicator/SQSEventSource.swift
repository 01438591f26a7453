import AWSClient
import Foundation

/// Takes events from an SQS queue (AWS bucket notifications) by long polling, and deletes a message only once
/// every event in it was handled, in batches gathered across receives (`SQSMessageDeletions`). A message whose work
/// failed is left alone: it becomes visible again after the visibility timeout and, after the queue's
/// `maxReceiveCount`, moves to its dead-letter queue by the redrive policy. While a message is worked on (a large
/// copy), and until it is deleted, its visibility is extended.
public struct SQSEventSource: Sendable {
    let queueURL: String
    let sqs: SQSClient
    let visibilityTimeout: Int
    let concurrency: Int
    let pipeline: Pipeline
    let metrics: ReplicatorMetrics
    let log: @Sendable (String) -> Void
    let deletions: SQSMessageDeletions

    /// Creates a source for `pipeline`.
    public init(_ configuration: PipelineConfiguration.EventSourceConfiguration.SQSSource, source: EndpointConfiguration, pipeline: Pipeline,
                concurrency: Int = 10, transport: AWSTransport, metrics: ReplicatorMetrics, log: @escaping @Sendable (String) -> Void) {
        queueURL = configuration.queueURL
        sqs = SQSClient(configuration: (configuration.endpoint ?? source).clientConfiguration, transport: transport)
        visibilityTimeout = max(configuration.visibilityTimeout, 30)
        self.concurrency = concurrency
        self.pipeline = pipeline
        self.metrics = metrics
        self.log = log
        deletions = SQSMessageDeletions(queueURL: queueURL, sqs: sqs, pipeline: pipeline.name, log: log)
    }

    /// Polls until the task is cancelled; messages already received are finished (or handed back) and the handled
    /// ones deleted first. One receiver per 10 of the pipeline's `concurrency` (a receive returns at most 10 messages,
    /// and at most `concurrency`), and the queue's backlog (`ApproximateNumberOfMessages`) as the `queue_lag` gauge.
    public func run(waitSeconds: Int = 20) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, (concurrency + 9) / 10) { group.addTask { await receive(waitSeconds: waitSeconds) } }
            group.addTask { await reportLag() }
        }
        await deletions.finish()
    }

    private func receive(waitSeconds: Int) async {
        while !Task.isCancelled {
            do {
                let messages = try await sqs.receiveMessages(queueURL: queueURL, maximum: min(10, concurrency), waitSeconds: waitSeconds,
                                                             visibilityTimeout: visibilityTimeout)
                let handled = await withTaskGroup(of: Handled?.self) { group in
                    for message in messages { group.addTask { await process(message) } }
                    return await group.reduce(into: [Handled]()) { if let handled = $1 { $0.append(handled) } }
                }
                await deletions.add(handled)
            } catch {
                if Task.isCancelled { break }
                log("pipeline \(pipeline.name): receiving from \(queueURL) failed: \(error); retrying in 2 s")
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    private func reportLag() async {
        while !Task.isCancelled {
            if let backlog = (try? await sqs.getQueueAttributes(queueURL: queueURL))?["ApproximateNumberOfMessages"].flatMap({ Int($0) }) {
                metrics.set("queue_lag", pipeline: pipeline.name, backlog)
            }
            try? await Task.sleep(for: .seconds(10))
        }
    }

    /// A message whose every event was handled, kept invisible until it is deleted.
    struct Handled {
        let message: SQSMessage
        let keepAlive: Task<Void, Error>
    }

    /// Handles one message; returns it, still kept invisible, when every event succeeded. Retries are the queue's: a
    /// failed message is received again after its visibility timeout, up to the redrive policy's `maxReceiveCount`.
    func process(_ message: SQSMessage) async -> Handled? {
        let keepAlive = Task {
            // Extend the visibility at half the timeout while the work runs, and until the message is deleted.
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(visibilityTimeout / 2))
                try await sqs.changeMessageVisibility(queueURL: queueURL, receiptHandle: message.receiptHandle, seconds: visibilityTimeout)
            }
        }
        // One attempt in process: the queue's visibility timeout and redrive policy are the retry schedule.
        let handler = DeliveryHandler(pipeline: pipeline, metrics: metrics, schedule: RetrySchedule(), maximumAttempts: 1, log: log)
        switch await handler.handle(Data(message.body.utf8), delivery: "message \(message.id), receive \(message.receiveCount)") {
        case .handled:
            return Handled(message: message, keepAlive: keepAlive)
        case .failed(let reason):
            keepAlive.cancel()
            log("pipeline \(pipeline.name): \(reason); the message returns to the queue (its redrive policy moves it to the dead-letter queue)")
            return nil
        case .interrupted:
            keepAlive.cancel()
            return nil
        }
    }
}
