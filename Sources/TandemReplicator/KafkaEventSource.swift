import Foundation
import KafkaClient

/// Takes events from a Kafka topic as a member of a consumer group. A record's offset is committed only after its
/// events were handled, or after it was written to the dead-letter topic (not an S3 event, or still failing after
/// its retries): a replicator killed at any moment reads again what it had not finished, and never skips a
/// record. A failing record is retried in process by the pipeline's `RetrySchedule` (bounded by its `max_elapsed`;
/// Kafka redelivers nothing by itself: the uncommitted offset is the redelivery after a restart). Records are worked on concurrently (up to `concurrency`); commits follow `PartitionProgress`.
///
/// Several replicators in one group share the topic's partitions. When a rebalance takes partitions away, this member
/// starts no further record of them, waits for those in flight (up to `revokeTimeout`), and commits what is done
/// before the partitions move: the next owner never copies a key at the same time, and starts after what was done
/// where the broker takes that commit (else at the last regular commit, reading a few records again).
public final class KafkaEventSource: Sendable {
    let configuration: PipelineConfiguration.EventSourceConfiguration.KafkaSource
    let handler: DeliveryHandler
    let concurrency: Int
    let metrics: ReplicatorMetrics
    let log: @Sendable (String) -> Void
    let consumer: KafkaConsumer
    let deadLetters: KafkaProducer
    private let progress: Progress
    var name: String { handler.pipeline.name }
    /// How long a rebalance waits for records of partitions taken away (their commit waits for them).
    static let revokeTimeout: Duration = .seconds(300)

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
        let progress = Progress()
        self.progress = progress
        consumer = try KafkaConsumer(brokers: configuration.brokers, group: configuration.groupID, topics: [configuration.topic],
                                     properties: configuration.properties ?? [:],
                                     onRevoke: { partitions in
                                         let positions = progress.revoke(partitions, timeout: Self.revokeTimeout)
                                         librdkafkaLog("rebalance: handing over \(partitions.count) partition(s) after committing \(positions.count) finished position(s)")
                                         return positions
                                     },
                                     log: librdkafkaLog)
        deadLetters = try KafkaProducer(brokers: configuration.brokers, properties: configuration.properties ?? [:], log: librdkafkaLog)
    }

    /// Consumes until the task is cancelled; then finishes the records it holds, commits, and leaves the group.
    public func run() async {
        let progress = self.progress
        let poller = KafkaPoller(consumer: consumer, slots: concurrency, stamp: { progress.rebalances },
                                 log: { [log, name] in log("pipeline \(name): \($0)") })
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.reportLag() }
                for await polled in poller.messages {
                    let message = polled.message
                    // Polled before a rebalance took its partition away: the next owner reads it from the committed offset.
                    guard progress.start(message, polledAfter: polled.stamp) else {
                        poller.release()
                        continue
                    }
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
        // Leaving the group revokes every partition; records interrupted by the shutdown will not finish, so the
        // revoke must not wait for them (they are uncommitted: the next owner reads them again).
        progress.close()
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

    /// `PartitionProgress` shared by the record tasks and the rebalance callback, with the partitions taken away.
    private final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var progress = PartitionProgress()
        /// Rebalances that took partitions away so far, and the count when each partition was last taken away.
        private var revocations = 0
        private var revokedAt: [KafkaPartition: Int] = [:]
        private var closing = false

        /// The number of revocations so far (the poller stamps each record with it).
        var rebalances: Int { lock.withLock { revocations } }

        /// Starts `message` unless its partition was taken away after the poll that returned it (stamped `stamp`).
        func start(_ message: KafkaMessage, polledAfter stamp: Int) -> Bool {
            lock.withLock {
                guard stamp >= revokedAt[KafkaPartition(topic: message.topic, partition: message.partition), default: 0] else { return false }
                progress.started(message)
                return true
            }
        }

        /// Stops starting records of `partitions` polled so far, waits up to `timeout` for those in flight, and
        /// returns the partitions' commit positions (forgetting them: a later assignment starts from the committed offset).
        func revoke(_ partitions: Set<KafkaPartition>, timeout: Duration) -> [KafkaPartitionOffset] {
            lock.withLock {
                revocations += 1
                for partition in partitions { revokedAt[partition] = revocations }
            }
            let deadline = ContinuousClock.now + timeout
            while lock.withLock({ !closing && progress.inFlight(in: partitions) > 0 }), ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            return lock.withLock { progress.forget(partitions) }
        }

        /// The member is leaving the group: revokes no longer wait for records in flight (none of them will finish).
        func close() { lock.withLock { closing = true } }
        func finished(_ message: KafkaMessage) -> KafkaPartitionOffset? { lock.withLock { progress.finished(message) } }
        var positions: [KafkaPartitionOffset] { lock.withLock { progress.positions } }
    }
}
