import AWSClient
import Foundation
import KafkaClient
import Testing
import TandemTesting

/// `tandem replicator run` consuming radosgw-shaped records from librdkafka's mock cluster (which lives in this test
/// process, so the topic and the group's committed offsets outlive the replicator): killed with SIGKILL mid-stream and
/// restarted, it loses nothing, and the versioned target shows that no object was written twice.
@Suite(.serialized) struct ReplicatorKafkaEndToEndTests {
    @Test func aKillMidStreamLosesNothingAndDuplicatesNothing() async throws {
        let cluster = try await CephCluster.shared()
        let kafka = try KafkaMockCluster(topics: ["bucket-events": 3, "bucket-events-dead": 1])
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        try await s3.createBucket("kafka-kill-source", locationConstraint: nil)
        try await s3.createBucket("kafka-kill-target", locationConstraint: nil)
        try await s3.putBucketVersioning("kafka-kill-target", status: "Enabled")

        // 240 objects of 64 KiB with one record each, plus 10 objects created and deleted again (create and delete records).
        let keys = (1...240).map { "stream/\($0 % 7)/object \($0)+ü.bin" }
        let removed = (1...10).map { "stream/removed \($0).bin" }
        let producer = try KafkaProducer(brokers: kafka.bootstrapServers, log: { _ in })
        let payload = [UInt8](repeating: 0x5a, count: 64 * 1024)
        for key in keys + removed {
            try await s3.putObject(bucket: "kafka-kill-source", key: key, body: payload + Array(key.utf8), headers: [])
            try producer.send(topic: "bucket-events", key: Data(key.utf8),
                              value: RGWNotification.body("ObjectCreated:Put", bucket: "kafka-kill-source", key: key, size: payload.count + key.utf8.count))
        }
        for key in removed {
            try await s3.deleteObject(bucket: "kafka-kill-source", key: key)
            try producer.send(topic: "bucket-events", key: Data(key.utf8), value: RGWNotification.body("ObjectRemoved:Delete", bucket: "kafka-kill-source", key: key))
        }

        let sandbox = try ReplicatorSandbox(cluster, label: "kafka")
        defer { sandbox.remove() }
        let (directory, tandem) = (sandbox.directory, sandbox.tandem)
        let configPath = try sandbox.writeConfiguration(pipelines: [[
            "name": "kafka", "source": sandbox.endpoint("kafka-kill-source"),
            "target": ["endpoint": sandbox.endpoint("kafka-kill-target"), "key_template": "{key}"],
            "events": ["kafka": ["brokers": kafka.bootstrapServers, "topic": "bucket-events", "group_id": "replicator",
                                 "dead_letter_topic": "bucket-events-dead", "properties": ["session.timeout.ms": "6000"]]],
            // The reconcile at start lists every object but waits out its quiet period before copying: longer than this test.
            "skip_principals": [String](), "concurrency": 2, "reconcile_quiet_period": 600,
        ]])
        // No backfill: only the records may bring objects over.
        try FileManager.default.createDirectory(atPath: directory + "/state/backfill", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/state/backfill/kafka.done", contents: Data())

        let copiedBeforeKill = try await tandem.withRunning(["replicator", "run", "--config", configPath]) { first in
            var copied = 0
            for _ in 0..<600 where copied < 40 {
                try await Task.sleep(for: .milliseconds(50))
                copied = try await s3.listObjectKeys(bucket: "kafka-kill-target").count
            }
            first.send(signal: SIGKILL)
            return copied
        }.value
        #expect(copiedBeforeKill >= 40 && copiedBeforeKill < keys.count, "killed mid-stream (\(copiedBeforeKill) of \(keys.count) copied)")

        let second = try await tandem.withRunning(["replicator", "run", "--config", configPath]) { second in
            var listed: [String] = []
            for _ in 0..<300 where Set(listed) != Set(keys) {
                try await Task.sleep(for: .milliseconds(200))
                listed = try await s3.listObjectKeys(bucket: "kafka-kill-target")
            }
            #expect(Set(listed) == Set(keys), "every record was handled after the restart; deleted objects were not copied")
            let versions = try await s3.versionCounts("kafka-kill-target")
            #expect(versions.values.allSatisfy { $0 == 1 } && versions.count == keys.count,
                    "each object was written once: \(versions.filter { $0.value != 1 })")
            let sample = try #require(keys.randomElement())
            #expect(try await s3.getObjectBytes(bucket: "kafka-kill-target", key: sample) == payload + Array(sample.utf8))

            second.send(signal: SIGTERM)
        }.run
        #expect(second.exitCode == 0, "\(second.stderr)")
        let reader = try KafkaConsumer(brokers: kafka.bootstrapServers, group: "reader", topics: ["bucket-events-dead"], log: { _ in })
        defer { reader.close() }
        #expect(try reader.highWatermark(of: KafkaPartition(topic: "bucket-events-dead", partition: 0)) == 0, "nothing was dead-lettered")
    }
}
