import AWSClient
import ChildProcess
import Foundation
import Testing
import TandemTesting

/// `tandem replicator run` as a process, fed by real radosgw pushes: killed with SIGKILL while events it
/// acknowledged are still unfinished, then restarted: nothing is lost and the target equals the source.
@Suite(.serialized) struct ReplicatorCrashEndToEndTests {
    @Test func acknowledgedPushesSurviveAKill() async throws {
        let cluster = try await CephCluster.shared()
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        let sns = SNSClient(configuration: cluster.configuration(), transport: cluster.transport)
        try await s3.createBucket("crash-source", locationConstraint: nil)
        let sandbox = try ReplicatorSandbox(cluster, label: "replicator")
        defer { sandbox.remove() }
        let (directory, port, tandem) = (sandbox.directory, sandbox.port, sandbox.tandem)
        let configPath = try sandbox.writeConfiguration(pipelines: [[
            "name": "crash", "source": sandbox.endpoint("crash-source"), "target": ["endpoint": sandbox.endpoint("crash-target"), "key_template": "{key}"],
            "events": ["http": ["secret": "test-push-secret-0123"]], "skip_principals": [String](), "concurrency": 2,
            // Retried until the kill (the target bucket is missing), never dead-lettered however slow the machine.
            "max_attempts": 10_000,
        ]])

        /// Runs the replicator around `body`, once it answers /readyz.
        func whileRunning<Value: Sendable>(_ body: (ChildProcess.Running) async throws -> Value) async throws -> (value: Value, run: TandemBinary.Run) {
            try await tandem.withRunning(["replicator", "run", "--config", configPath]) { replicator in
                var ready = false
                for _ in 0..<100 where !ready {
                    ready = (try? await cluster.transport.sendUnsigned(method: "GET", url: "http://127.0.0.1:\(port)/readyz"))?.statusCode == 200
                    if !ready { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(ready, "the replicator became ready")
                return try await body(replicator)
            }
        }

        // The target bucket does not exist yet: every copy fails and is retried, so acknowledged events are pending.
        let keys = (1...12).map { "burst/key \($0)+é.txt" }
        _ = try await whileRunning { first in
            let arn = try await TopicChanges.shared.run { try await sns.createTopic(name: "crash-events", attributes: ["push-endpoint": "http://127.0.0.1:\(port)/events/crash/test-push-secret-0123", "persistent": "false"]) }
            try await s3.putBucketNotification("crash-source", NotificationConfiguration(topics: [
                NotificationTarget(id: "crash", arn: arn, events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]),
            ]))
            for key in keys {
                // A non-persistent topic delivers inside the PUT: when it returns, the replicator has answered 200.
                try await s3.putObject(bucket: "crash-source", key: key, body: Array("payload \(key)".utf8), headers: [])
            }
            first.send(signal: SIGKILL)
        }
        let journal = try FileManager.default.attributesOfItem(atPath: directory + "/state/journal/crash.journal")[.size] as? NSNumber
        #expect((journal?.intValue ?? 0) > 0, "acknowledged events were still in the journal when the process died")

        try await s3.createBucket("crash-target", locationConstraint: nil)
        let second = try await whileRunning { second in
            var listed: [String] = []
            for _ in 0..<100 {
                listed = try await s3.listObjectKeys(bucket: "crash-target")
                if Set(listed) == Set(keys) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(Set(listed) == Set(keys), "every acknowledged event was replicated after the restart")
            for key in keys.prefix(3) {
                #expect(try await s3.getObjectBytes(bucket: "crash-target", key: key) == Array("payload \(key)".utf8))
            }
            let metrics = String(decoding: try await cluster.transport.sendUnsigned(method: "GET", url: "http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
            // The start-up reconcile may copy some keys before their journaled events do: the journal is worked off, none dead-lettered.
            #expect(metrics.contains("tandem_replicator_queue_lag{pipeline=\"crash\"} 0") && metrics.contains("tandem_replicator_events_dead_lettered_total{pipeline=\"crash\"} 0"), "\(metrics)")

            // SIGTERM: a clean stop.
            second.send(signal: SIGTERM)
        }.run
        #expect(second.exitCode == 0, "\(second.stderr)")
        // `replicator run` moves Swift's tasks onto NIO's event loops before anything else runs (`EventLoopExecutor`).
        #expect(second.stderr.contains("tasks run on NIO's event loops"), "\(second.stderr)")
        try await s3.deleteBucketNotification("crash-source")
    }
}
