import AWSClient
import Foundation

/// Takes events from an SQS queue (AWS bucket notifications) by long polling, and deletes a message only once
/// every event in it was handled (the messages of one receive in one request). A message whose work failed is left alone: it becomes visible again after the
/// visibility timeout and, after the queue's `maxReceiveCount`, moves to its dead-letter queue by the redrive
/// policy. While a message is worked on (a large copy), its visibility is extended.
public struct SQSEventSource: Sendable {
    let queueURL: String
    let sqs: SQSClient
    let visibilityTimeout: Int
    let concurrency: Int
    let pipeline: Pipeline
    let metrics: ReplicatorMetrics
    let log: @Sendable (String) -> Void

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
    }

    /// Polls until the task is cancelled; messages already received are finished (or handed back) first. One
    /// receiver per 10 of the pipeline's `concurrency` (a receive returns at most 10 messages, and at most
    /// `concurrency`), and the queue's backlog (`ApproximateNumberOfMessages`) as the `queue_lag` gauge.
    public func run(waitSeconds: Int = 20) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, (concurrency + 9) / 10) { group.addTask { await receive(waitSeconds: waitSeconds) } }
            group.addTask { await reportLag() }
        }
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
                await delete(handled)
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

    /// Deletes the handled messages of one receive in one request (`DeleteMessageBatch`, up to 10 each), rather than
    /// one request per message. A message not deleted is received and handled again (the copy finds it current).
    /// Not cancelled with the receiver: messages handled before a shutdown are still deleted.
    func delete(_ handled: [Handled]) async {
        await Task { await deleteInBatches(handled) }.value
    }

    private func deleteInBatches(_ handled: [Handled]) async {
        defer { for message in handled { message.keepAlive.cancel() } }
        for start in stride(from: 0, to: handled.count, by: 10) {
            let batch = Array(handled[start..<min(start + 10, handled.count)])
            do {
                let failures = try await sqs.deleteMessages(queueURL: queueURL, receiptHandles: batch.map(\.message.receiptHandle))
                for (position, reason) in failures.sorted(by: { $0.key < $1.key }) where batch.indices.contains(position) {
                    log("pipeline \(pipeline.name): deleting message \(batch[position].message.id) failed (it will be handled again): \(reason)")
                }
            } catch {
                log("pipeline \(pipeline.name): deleting messages \(batch.map(\.message.id).joined(separator: ", ")) failed (they will be handled again): \(error)")
            }
        }
    }
}
