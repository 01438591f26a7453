import AWSClient
import Foundation
import KafkaClient
import Testing
import TandemTesting
@testable import TandemReplicator

/// Records in radosgw's notification shape, produced to librdkafka's mock cluster, consumed by a Kafka event
/// source that copies between two buckets of the real test radosgw.
@Suite(.serialized) struct KafkaPipelineTests {
    private func pipeline(_ cluster: CephCluster, kafka: KafkaMockCluster, source: String, target: String) -> PipelineConfiguration {
        let endpoint = { (bucket: String) in
            EndpointConfiguration(endpoint: cluster.endpoint, region: "us-east-1", accessKey: cluster.adminCredentials?.accessKeyID ?? "",
                                  secretKey: cluster.adminCredentials?.secretAccessKey ?? "", bucket: bucket)
        }
        let events = PipelineConfiguration.EventSourceConfiguration.KafkaSource(
            brokers: kafka.bootstrapServers, topic: "rgw-events", groupID: "replicator", deadLetterTopic: "rgw-dead",
            properties: ["session.timeout.ms": "6000"])
        return PipelineConfiguration(name: "kafka", source: endpoint(source), target: .init(endpoint: endpoint(target), keyTemplate: "{key}"),
                                     events: .init(sqs: nil, http: nil, kafka: events), skipPrincipals: ["replicator"], concurrency: 4, copy: nil,
                                     maxAttempts: 2)
    }

    @Test func recordsAreReplicatedCommittedAndPoisonIsDeadLettered() async throws {
        let cluster = try await CephCluster.shared()
        let kafka = try KafkaMockCluster(topics: ["rgw-events": 3, "rgw-dead": 1])
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        try await s3.createBucket("kafka-source", locationConstraint: nil)
        try await s3.createBucket("kafka-target", locationConstraint: nil)
        let keys = ["plain.txt", "with space.txt", "a+b%41 & =.txt", "dir/ünïcödé 日本.txt"]
        let producer = try KafkaProducer(brokers: kafka.bootstrapServers, log: { _ in })
        for key in keys + ["gone.txt"] {
            try await s3.putObject(bucket: "kafka-source", key: key, body: Array("kafka \(key)".utf8), headers: [])
            let head = try #require(try await s3.headObject(bucket: "kafka-source", key: key))
            try producer.send(topic: "rgw-events", key: Data(key.utf8),
                              value: RGWNotification.body("ObjectCreated:Put", bucket: "kafka-source", key: key, size: head.size, eTag: head.eTag))
        }
        try await s3.deleteObject(bucket: "kafka-source", key: "gone.txt")
        try producer.send(topic: "rgw-events", key: Data("gone.txt".utf8), value: RGWNotification.body("ObjectRemoved:Delete", bucket: "kafka-source", key: "gone.txt"))
        try producer.send(topic: "rgw-events", value: Data("not an event".utf8))
        // The replicator's own write, echoed back: skipped by principal.
        try producer.send(topic: "rgw-events", value: RGWNotification.body("ObjectCreated:Put", bucket: "kafka-source", key: "echo.txt", principal: "replicator"))

        let metrics = ReplicatorMetrics()
        let source = try KafkaEventSource(try #require(pipeline(cluster, kafka: kafka, source: "kafka-source", target: "kafka-target").events.kafka),
                                      pipeline: try Pipeline(pipeline(cluster, kafka: kafka, source: "kafka-source", target: "kafka-target"), transport: cluster.transport),
                                      concurrency: 4, metrics: metrics, log: { print($0) })
        let worker = Task { await source.run() }
        var listed: Set<String> = []
        for _ in 0..<150 where listed != Set(keys) {
            try await Task.sleep(for: .milliseconds(200))
            listed = Set(try await s3.listObjectKeys(bucket: "kafka-target"))
        }
        #expect(listed == Set(keys), "raw RGW keys land as written; the deleted key is not copied")
        let dead = try kafka.records(of: "rgw-dead", atLeast: 1)
        #expect(dead.map { String(decoding: $0.value, as: UTF8.self) } == ["not an event"])
        #expect(metrics.value("events_skipped", pipeline: "kafka", reason: "own-principal") == 1)
        for _ in 0..<50 where metrics.gaugeSnapshot.first?.1 != 0 { try await Task.sleep(for: .milliseconds(200)) }
        #expect(metrics.gaugeSnapshot.map { "\($0.0.name)=\($0.1)" } == ["queue_lag=0"], "the consumer reports it has read everything")
        worker.cancel()
        await worker.value

        // Everything was committed: another member of the group reads first what came after (a marker in each partition).
        for partition: Int32 in 0..<3 { try producer.send(topic: "rgw-events", partition: partition, value: Data("marker".utf8)) }
        let successor = try KafkaConsumer(brokers: kafka.bootstrapServers, group: "replicator", topics: ["rgw-events"],
                                          properties: ["session.timeout.ms": "6000"], log: { _ in })
        defer { successor.close() }
        var firstRecords: [Int32: String] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        while firstRecords.count < 3, ContinuousClock.now < deadline {
            if let record = try successor.poll(timeout: .milliseconds(200)), firstRecords[record.partition] == nil {
                firstRecords[record.partition] = String(decoding: record.value, as: UTF8.self)
            }
        }
        #expect(firstRecords == [0: "marker", 1: "marker", 2: "marker"], "no record was left uncommitted")
    }

    /// Leaving the group revokes its partitions; a record interrupted by the shutdown never finishes, and the revoke
    /// must not wait for it (it is uncommitted: the next member reads it again).
    @Test func aShutdownDuringARetryingRecordLeavesTheGroupAtOnce() async throws {
        let cluster = try await CephCluster.shared()
        let kafka = try KafkaMockCluster(topics: ["rgw-events": 1, "rgw-dead": 1])
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        try await s3.createBucket("kafka-retrying-source", locationConstraint: nil)
        try await s3.putObject(bucket: "kafka-retrying-source", key: "stuck.txt", body: Array("stuck".utf8), headers: [])
        try KafkaProducer(brokers: kafka.bootstrapServers, log: { _ in })
            .send(topic: "rgw-events", value: RGWNotification.body("ObjectCreated:Put", bucket: "kafka-retrying-source", key: "stuck.txt", size: 5))
        var configuration = pipeline(cluster, kafka: kafka, source: "kafka-retrying-source", target: "kafka-no-such-bucket")
        configuration.maxAttempts = 1000
        let metrics = ReplicatorMetrics()
        let source = try KafkaEventSource(try #require(configuration.events.kafka), pipeline: try Pipeline(configuration, transport: cluster.transport),
                                          concurrency: 1, metrics: metrics, log: { _ in })
        let worker = Task { await source.run() }
        for _ in 0..<100 where metrics.value("events_failed", pipeline: "kafka") == 0 { try await Task.sleep(for: .milliseconds(100)) }
        try #require(metrics.value("events_failed", pipeline: "kafka") > 0, "the record is being retried")
        let stopping = ContinuousClock.now
        worker.cancel()
        await worker.value
        #expect(ContinuousClock.now - stopping < .seconds(30), "left the group without waiting for the interrupted record (the revoke waits up to 300 s)")
    }

    @Test func aRecordWhoseCopyKeepsFailingGoesToTheDeadLetterTopic() async throws {
        let cluster = try await CephCluster.shared()
        let kafka = try KafkaMockCluster(topics: ["rgw-events": 1, "rgw-dead": 1])
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        try await s3.createBucket("kafka-failing-source", locationConstraint: nil)
        try await s3.putObject(bucket: "kafka-failing-source", key: "stuck.txt", body: Array("stuck".utf8), headers: [])
        let event = RGWNotification.body("ObjectCreated:Put", bucket: "kafka-failing-source", key: "stuck.txt", size: 5)
        try KafkaProducer(brokers: kafka.bootstrapServers, log: { _ in }).send(topic: "rgw-events", value: event)

        // The target bucket does not exist: every attempt fails.
        let configuration = pipeline(cluster, kafka: kafka, source: "kafka-failing-source", target: "kafka-no-such-bucket")
        let metrics = ReplicatorMetrics()
        let source = try KafkaEventSource(try #require(configuration.events.kafka), pipeline: try Pipeline(configuration, transport: cluster.transport),
                                      concurrency: 1, metrics: metrics, log: { print($0) })
        let worker = Task { await source.run() }
        let dead = try kafka.records(of: "rgw-dead", atLeast: 1, timeout: .seconds(30))
        #expect(dead.map(\.value) == [event], "the original record, unchanged")
        #expect(metrics.value("events_failed", pipeline: "kafka") == 2, "two attempts, then the dead-letter topic")
        for _ in 0..<25 where metrics.value("events_dead_lettered", pipeline: "kafka") == 0 { try await Task.sleep(for: .milliseconds(200)) }
        #expect(metrics.value("events_dead_lettered", pipeline: "kafka") == 1)
        worker.cancel()
        await worker.value
    }
}
