import AWSClient
import ChildProcess
import Foundation
import KafkaClient
import Testing
import TandemTesting

/// Several `tandem replicator run` processes as replicas of one pipeline, sharing a six-partition topic of librdkafka's
/// mock cluster as one consumer group while objects keep arriving: one is SIGKILLed mid-burst (its partitions move
/// after the session timeout) and another joins later (a rebalance while the others copy). Every object reaches the
/// versioned target exactly once (one version each: no record skipped, none copied twice by two owners), and
/// nothing is dead-lettered.
@Suite(.serialized) struct ReplicatorScaleOutEndToEndTests {
    @Test func replicasShareAKafkaGroupThroughAKillAndAJoin() async throws {
        let cluster = try await CephCluster.shared()
        let kafka = try KafkaMockCluster(topics: ["scale-events": 6, "scale-events-dead": 1])
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        try await s3.createBucket("kafka-scale-source", locationConstraint: nil)
        try await s3.createBucket("kafka-scale-target", locationConstraint: nil)
        try await s3.putBucketVersioning("kafka-scale-target", status: "Enabled")

        let replicas = try (0..<4).map { try ReplicatorSandbox(cluster, label: "scale-\($0)") }
        defer { replicas.forEach { $0.remove() } }
        let configurations = try replicas.map { sandbox in
            try FileManager.default.createDirectory(atPath: sandbox.directory + "/state/backfill", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: sandbox.directory + "/state/backfill/scale.done", contents: Data())
            return try sandbox.writeConfiguration(pipelines: [[
                "name": "scale", "source": sandbox.endpoint("kafka-scale-source"),
                "target": ["endpoint": sandbox.endpoint("kafka-scale-target"), "key_template": "{key}"],
                "events": ["kafka": ["brokers": kafka.bootstrapServers, "topic": "scale-events", "group_id": "scale-replicators",
                                     "dead_letter_topic": "scale-events-dead", "properties": ["session.timeout.ms": "6000"]]],
                // Only the records may bring objects over (the reconcile waits out its quiet period, longer than the test).
                "skip_principals": [String](), "concurrency": 4, "reconcile_quiet_period": 600,
            ]])
        }

        // Objects arrive for about 20 s, each with its record, while replicas come and go.
        let keys = (1...800).map { "burst/\($0 % 11)/object \($0).bin" }
        let producer = try KafkaProducer(brokers: kafka.bootstrapServers, log: { _ in })
        let payload = [UInt8](repeating: 0x42, count: 16 * 1024)
        let arriving = Task {
            for key in keys {
                try await s3.putObject(bucket: "kafka-scale-source", key: key, body: payload + Array(key.utf8), headers: [])
                try producer.send(topic: "scale-events", key: Data(key.utf8),
                                  value: RGWNotification.body("ObjectCreated:Put", bucket: "kafka-scale-source", key: key, size: payload.count + key.utf8.count))
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        func waitFor(_ count: Int, seconds: Int) async throws -> Int {
            try await s3.waitForKeys("kafka-scale-target", atLeast: count, seconds: seconds)
        }
        func run(_ index: Int, _ body: (ChildProcess.Running) async throws -> Void) async throws -> TandemBinary.Run {
            try await replicas[index].tandem.runReplicator(configuration: configurations[index], body)
        }

        var killedAt = 0, joinedAt = 0
        let stderrOfFirst = try await Self.killOneAndJoinAnother(run: run, beforeKill: {
            killedAt = try await waitFor(150, seconds: 60)
        }, whileJoined: {
            joinedAt = try await waitFor(killedAt + 150, seconds: 60)
            try await arriving.value
            let done = try await waitFor(keys.count, seconds: 120)
            #expect(done == keys.count, "every object arrived (\(done) of \(keys.count))")
        })
        #expect(killedAt >= 150 && killedAt < keys.count && joinedAt < keys.count, "the kill (at \(killedAt)) and the join (at \(joinedAt)) came mid-burst")
        #expect(stderrOfFirst.contains("rebalance: handing over"), "a rebalance took partitions from a busy member")
        try await Self.expectEachOnce(keys, in: "kafka-scale-target", s3)
        let reader = try KafkaConsumer(brokers: kafka.bootstrapServers, group: "reader", topics: ["scale-events-dead"], log: { _ in })
        defer { reader.close() }
        #expect(try reader.highWatermark(of: KafkaPartition(topic: "scale-events-dead", partition: 0)) == 0, "nothing was dead-lettered")
    }

    /// The same with SQS on moto: each message goes to one receiver and is deleted only by the process that finished
    /// it; a replica SIGKILLed mid-burst leaves its messages to come back after their visibility timeout (5 s here) to
    /// the others; one started later takes its share. Every object reaches the versioned target exactly once.
    @Test func replicasShareAnSQSQueueThroughAKillAndAJoin() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let settings = moto.configuration(region: "us-east-1")
            let s3 = S3Client(configuration: settings, transport: moto.transport)
            let sqs = SQSClient(configuration: settings, transport: moto.transport)
            try await s3.createBucket("sqs-scale-source", locationConstraint: nil)
            try await s3.createBucket("sqs-scale-target", locationConstraint: nil)
            try await s3.putBucketVersioning("sqs-scale-target", status: "Enabled")
            let queueURL = try await sqs.createQueue(name: "sqs-scale-events", attributes: [:], tags: [:])
            try await s3.putBucketNotification("sqs-scale-source", NotificationConfiguration(queues: [
                NotificationTarget(id: "all", arn: "arn:aws:sqs:us-east-1:123456789012:sqs-scale-events", events: ["s3:ObjectCreated:*"]),
            ]))
            let replicas = try (0..<4).map { index -> (directory: String, tandem: TandemBinary, configuration: String) in
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-sqs-scale-\(index)-\(UUID())").path
                try FileManager.default.createDirectory(atPath: directory + "/state/backfill", withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: directory + "/state/backfill/sqs-scale.done", contents: Data())
                let endpoint = { (bucket: String) -> [String: Any] in
                    ["endpoint": moto.endpoint, "region": "us-east-1", "bucket": bucket, "access_key": "testing", "secret_key": "testing"]
                }
                let configuration: [String: Any] = [
                    "listen": "127.0.0.1:\(CephCluster.freePort())", "state_directory": directory + "/state",
                    "pipelines": [[
                        "name": "sqs-scale", "source": endpoint("sqs-scale-source"),
                        "target": ["endpoint": endpoint("sqs-scale-target"), "key_template": "{key}"],
                        "events": ["sqs": ["queue_url": queueURL, "visibility_timeout": 5]],
                        "skip_principals": [String](), "concurrency": 4, "reconcile_quiet_period": 600,
                    ]],
                ]
                try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: directory + "/replicator.json"))
                return (directory, TandemBinary(directory: directory, environment: ProcessInfo.processInfo.environment), directory + "/replicator.json")
            }
            defer { replicas.forEach { try? FileManager.default.removeItem(atPath: $0.directory) } }

            let keys = (1...300).map { "burst/\($0 % 7)/object \($0).bin" }
            let payload = [UInt8](repeating: 0x51, count: 16 * 1024)
            let arriving = Task {
                for key in keys {
                    try await s3.putObject(bucket: "sqs-scale-source", key: key, body: payload + Array(key.utf8), headers: [])
                    try await Task.sleep(for: .milliseconds(30))
                }
            }
            func waitFor(_ count: Int, seconds: Int) async throws -> Int {
                try await s3.waitForKeys("sqs-scale-target", atLeast: count, seconds: seconds)
            }
            func run(_ index: Int, _ body: (ChildProcess.Running) async throws -> Void) async throws -> TandemBinary.Run {
                try await replicas[index].tandem.runReplicator(configuration: replicas[index].configuration, body)
            }

            var killedAt = 0
            _ = try await Self.killOneAndJoinAnother(run: run, beforeKill: {
                killedAt = try await waitFor(60, seconds: 60)
            }, whileJoined: {
                try await arriving.value
                let done = try await waitFor(keys.count, seconds: 120)
                #expect(done == keys.count, "every object arrived (\(done) of \(keys.count))")
                // The killed replica's messages come back after their visibility timeout and are deleted by another.
                var left: [String: String] = [:]
                for _ in 0..<150 {
                    left = try await sqs.getQueueAttributes(queueURL: queueURL)
                    if left["ApproximateNumberOfMessages"] == "0", left["ApproximateNumberOfMessagesNotVisible"] == "0" { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(left["ApproximateNumberOfMessages"] == "0" && left["ApproximateNumberOfMessagesNotVisible"] == "0",
                        "every message was deleted by a replica that finished it: \(left)")
            })
            #expect(killedAt >= 60 && killedAt < keys.count, "the kill came mid-burst (at \(killedAt))")
            try await Self.expectEachOnce(keys, in: "sqs-scale-target", s3)
        }
    }

    /// Replicas 0 and 1 run throughout; replica 2 runs until `beforeKill` returns and is then SIGKILLed; replica 3
    /// starts then and runs while `whileJoined` does. The others are stopped with SIGTERM and must exit cleanly.
    /// Returns what replica 0 logged.
    private static func killOneAndJoinAnother(run: @escaping (Int, (ChildProcess.Running) async throws -> Void) async throws -> TandemBinary.Run,
                                              beforeKill: @escaping () async throws -> Void, whileJoined: @escaping () async throws -> Void) async throws -> String {
        let first = try await run(0) { a in
            let second = try await run(1) { b in
                let killed = try await run(2) { c in
                    try await beforeKill()
                    c.send(signal: SIGKILL)
                }
                #expect(killed.exitCode == 128 + SIGKILL)
                let joined = try await run(3) { d in
                    try await whileJoined()
                    d.send(signal: SIGTERM)
                }
                #expect(joined.exitCode == 0, "\(joined.stderr)")
                b.send(signal: SIGTERM)
            }
            #expect(second.exitCode == 0, "\(second.stderr)")
            a.send(signal: SIGTERM)
        }
        #expect(first.exitCode == 0, "\(first.stderr)")
        return first.stderr
    }

    /// Every key of `keys` is in `bucket` with exactly one version: nothing skipped, nothing written twice.
    private static func expectEachOnce(_ keys: [String], in bucket: String, _ s3: S3Client) async throws {
        let versions = try await s3.versionCounts(bucket)
        #expect(Set(versions.keys) == Set(keys), "nothing skipped")
        #expect(versions.values.allSatisfy { $0 == 1 }, "each object written once: \(versions.filter { $0.value != 1 }.sorted { $0.key < $1.key }.prefix(10))")
    }
}
