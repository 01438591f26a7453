import Foundation
import KafkaClient

/// Takes events from a Kafka topic as a member of a consumer group. A record's offset is committed only after its
/// events were handled, or after it was written to the dead-letter topic (not an S3 event, or still failing after
/// its retries): a replicator killed at any moment reads again what it had not finished, and never skips a
/// record. A failing record is retried in process by the pipeline's `RetrySchedule` (bounded by its `max_elapsed`;
/// Kafka redelivers nothing by itself: the uncommitted offset is the redelivery after a restart). Records are worked on concurrently (up to `concurrency`); commits follow `PartitionProgress`.
public final class KafkaEventSource: Sendable {
    let configuration: PipelineConfiguration.EventSourceConfiguration.KafkaSource
    let handler: DeliveryHandler
    let concurrency: Int
    let metrics: ReplicatorMetrics
    let log: @Sendable (String) -> Void
    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    var name: String { handler.pipeline.name }

    /// Joins the consumer group for `pipeline`; throws when librdkafka refuses the settings, so a replicator with an
    /// unusable Kafka pipeline fails at start instead of reporting ready.
    public init(_ configuration: PipelineConfiguration.EventSourceConfiguration.KafkaSource, pipeline: Pipeline, concurrency: Int,
                metrics: ReplicatorMetrics, log: @escaping @Sendable (String) -> Void) throws {
        self.configuration = configuration
        handler = DeliveryHandler(pipeline: pipeline, metrics: metrics, log: log)
        self.concurrency = max(concurrency, 1)
        self.metrics = metrics
        self.log = log
        let librdkafkaLog: @Sendable (String) -> Void = { [name = pipeline.name] line in log("pipeline \(name): \(line)") }
        consumer = try KafkaConsumer(brokers: configuration.brokers, group: configuration.groupID, topics: [configuration.topic],
                                     properties: configuration.properties ?? [:], log: librdkafkaLog)
        deadLetters = try KafkaProducer(brokers: configuration.brokers, properties: configuration.properties ?? [:], log: librdkafkaLog)
    }

    /// Consumes until the task is cancelled; then finishes the records it holds, commits, and leaves the group.
    public func run() async {
        let poller = KafkaPoller(consumer: consumer, slots: concurrency, log: { [log, name] in log("pipeline \(name): \($0)") })
        let progress = Progress()
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.reportLag() }
                for await message in poller.messages {
                    progress.started(message)
                    group.addTask {
                        // A record not done (shutdown came first) stays in flight, so no commit passes it.
                        if await self.process(message), let position = progress.finished(message) { self.commit([position], synchronously: false) }
                        poller.release()
                    }
                }
                group.cancelAll()
            }
        } onCancel: {
            poller.stop()
        }
        // The poll thread is done with the consumer before the last commit and the goodbye to the group.
        await poller.waitUntilStopped()
        commit(progress.positions, synchronously: true)
        consumer.close()
    }

    /// Commits positions of partitions this member still owns (after a rebalance, another member's offsets are its own).
    private func commit(_ positions: [KafkaPartitionOffset], synchronously: Bool) {
        let owned = consumer.assignment()
        do {
            try consumer.commit(positions.filter { owned.contains(KafkaPartition(topic: $0.topic, partition: $0.partition)) }, synchronously: synchronously)
        } catch {
            log("pipeline \(name): \(error) (the records are read again after a restart)")
        }
    }

    /// Handles a record; true when it is done with (handled, or in the dead-letter topic).
    private func process(_ message: KafkaMessage) async -> Bool {
        let delivery = "\(message.topic)[\(message.partition)]@\(message.offset)"
        let reason: String
        switch await handler.handle(message.value, delivery: delivery) {
        case .handled: return true
        case .interrupted: return false
        case .failed(let why): reason = why
        }
        // The offset may only move past this record once the dead-letter topic holds it.
        var attempt = 1
        while true {
            do {
                try await sendToDeadLetterTopic(message, reason: reason)
                metrics.add("events_dead_lettered", pipeline: name)
                log("pipeline \(name): \(delivery) moved to \(configuration.deadLetterTopic): \(reason)")
                return true
            } catch {
                log("pipeline \(name): writing \(delivery) to \(configuration.deadLetterTopic) failed (attempt \(attempt)): \(error)")
                if Task.isCancelled { return false }
                try? await Task.sleep(for: .seconds(Double.random(in: 0...RetrySchedule().ceiling(afterAttempt: attempt))))
                attempt += 1
            }
        }
    }

    /// `KafkaProducer.send` waits for the brokers' acknowledgement: it runs on a thread of its own, not on one of the
    /// few cooperative threads every pipeline shares.
    private func sendToDeadLetterTopic(_ message: KafkaMessage, reason: String) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { [deadLetters, configuration] in
                continuation.resume(with: Result {
                    try deadLetters.send(topic: configuration.deadLetterTopic, key: message.key, value: message.value,
                                         header: (name: "tandem-error", value: reason))
                })
            }.start()
        }
    }

    private func reportLag() async {
        while !Task.isCancelled {
            if let lag = consumer.lag() { metrics.set("queue_lag", pipeline: name, Int(lag)) }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// `PartitionProgress` shared by the record tasks.
    private final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var progress = PartitionProgress()

        func started(_ message: KafkaMessage) { lock.withLock { progress.started(message) } }
        func finished(_ message: KafkaMessage) -> KafkaPartitionOffset? { lock.withLock { progress.finished(message) } }
        var positions: [KafkaPartitionOffset] { lock.withLock { progress.positions } }
    }
}
