import AWSClient
import CephClient
import Foundation
import Testing
import TandemTesting

/// The RGW half of the Ceph <-> AWS topology (`examples/ceph-notifications`) applied by the built binary to a real
/// radosgw: a user with caps, a versioned bucket, a topic pushing to an HTTP endpoint and the bucket's notification.
/// Apply, read back, a real event delivered, drift after hand changes, destroy.
@Suite(.serialized) struct CephResourcesEndToEndTests {
    @Test func userTopicAndNotificationLifecycle() async throws {
        let cluster = try await CephCluster.shared()
        let sink = try await HTTPEventSink.start()
        var tandem = try TandemBinary.workspace(cluster, example: "ceph-notifications")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        tandem.environment["TANDEM_VAR_push_endpoint"] = sink.endpoint + "/events"
        tandem.environment["TANDEM_VAR_persistent_events"] = "false"  // delivered inside the S3 request: no 30 s wait

        let apply = try await tandem.runChangingTopics(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("Resources: 4 created"))
        let secret = try #require(try tandem.stateAttribute("ceph_user.replicator", "secret_key"))
        #expect(!apply.stdout.contains(secret) && !apply.stderr.contains(secret))
        #expect(apply.stdout.contains("replicator_secret_key = (sensitive value)"))

        // Read back through the cluster's own tools.
        let user = try await cluster.admin.json(["user", "info", "--uid=s3-replicator"], as: RGWUser.self)
        #expect(user.caps.map { "\($0.type)=\($0.perm)" } == ["buckets=read"])
        #expect(user.keys.map(\.secretKey) == [secret])
        let sns = SNSClient(configuration: cluster.configuration(), transport: cluster.transport)
        let arn = try #require(try tandem.stateAttribute("ceph_bucket_topic.events", "arn"))
        let topic = try #require(try await sns.getTopicAttributes(arn: arn))
        #expect(topic["EndPoint"]?.contains(sink.endpoint + "/events") == true)
        #expect(topic["OpaqueData"] == "rciis-ceph-source")
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        #expect(try await s3.getBucketNotification("rciis-ceph-source").topics.map(\.id) == ["replicate-all"])
        #expect(try await s3.getBucketVersioning("rciis-ceph-source") == "Enabled")

        // A real event: RGW pushes the raw (not URL-encoded) key with the topic's opaque data.
        let key = "dir/ünï cödé+%41.txt"
        try await s3.putObject(bucket: "rciis-ceph-source", key: key, body: Array("event".utf8), contentType: "text/plain")
        let record = try #require(try await firstRecord(from: sink))
        #expect(record["eventName"] as? String == "ObjectCreated:Put")
        #expect(((record["s3"] as? [String: Any])?["object"] as? [String: Any])?["key"] as? String == key)
        #expect(record["opaqueData"] as? String == "rciis-ceph-source")

        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "a second plan shows no changes")

        // Hand changes: a cap added with radosgw-admin, the topic re-pointed through the SNS API. radosgw keeps its copy
        // of the topic inside the notification: the notification still delivers to the sink, and drift says so.
        try await cluster.admin.run(["caps", "add", "--uid=s3-replicator", "--caps=usage=read"])
        _ = try await TopicChanges.shared.run { try await sns.createTopic(name: "replication-events", attributes: ["push-endpoint": "http://127.0.0.1:1/elsewhere",
                                                                               "OpaqueData": "rciis-ceph-source", "persistent": "false"]) }
        let drift = try await tandem.run(["drift"])
        #expect(drift.exitCode == 2, "\(drift.stdout)\n\(drift.stderr)")
        #expect(drift.stdout.contains("ceph_user.replicator was changed outside Tandem"), "\(drift.stdout)")
        #expect(drift.stdout.contains(#"~ caps = { buckets = "read" } -> { buckets = "read", usage = "read" }"#), "\(drift.stdout)")
        #expect(drift.stdout.contains("~ push_endpoint = (sensitive value)") && !drift.stdout.contains("elsewhere"), "masked: \(drift.stdout)")
        #expect(drift.stdout.contains("ceph_bucket_notification.source was changed outside Tandem"), "\(drift.stdout)")
        #expect(drift.stdout.contains("topic_in_sync = true -> false"), "the notification's copy differs from the topic:\n\(drift.stdout)")
        let repair = try await tandem.runChangingTopics(["apply", "--auto-approve"])
        #expect(repair.exitCode == 0 && repair.stdout.contains("3 updated"), "user, topic, and the notification written again:\n\(repair.stdout)\n\(repair.stderr)")
        #expect(try await tandem.run(["drift"]).exitCode == 0)

        // The endpoint changed in the configuration: the plan writes the notification again, and events reach the new endpoint.
        let moved = try await HTTPEventSink.start()
        tandem.environment["TANDEM_VAR_push_endpoint"] = moved.endpoint + "/moved"
        let plan = try await tandem.run(["plan"])
        #expect(plan.stdout.contains("ceph_bucket_notification.source will be updated in place"), "\(plan.stdout)")
        #expect(plan.stdout.contains("radosgw copies the current settings of its topics into it"), "\(plan.stdout)")
        #expect(!plan.stdout.contains(moved.endpoint), "push_endpoint is sensitive")
        let change = try await tandem.runChangingTopics(["apply", "--auto-approve"])
        #expect(change.exitCode == 0 && change.stdout.contains("2 updated"), "\(change.stdout)\n\(change.stderr)")
        let before = sink.bodies.count
        try await s3.putObject(bucket: "rciis-ceph-source", key: "after-move.txt", body: Array("moved".utf8), contentType: "text/plain")
        let movedRecord = try #require(try await firstRecord(from: moved))
        #expect(((movedRecord["s3"] as? [String: Any])?["object"] as? [String: Any])?["key"] as? String == "after-move.txt")
        #expect(sink.bodies.count == before, "nothing went to the old endpoint")
        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0)
        await moved.stop()

        let destroy = try await tandem.runChangingTopics(["destroy", "--auto-approve"])
        #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        #expect(destroy.stdout.contains("Destroy complete! Resources: 4 destroyed."))
        #expect(try await cluster.admin.jsonIfExists(["user", "info", "--uid=s3-replicator"], as: RGWUser.self) == nil)
        #expect(try await sns.getTopicAttributes(arn: arn) == nil)
        #expect(try await s3.bucketExists("rciis-ceph-source") == false)
        await sink.stop()
    }

    /// The first record the sink received, waiting up to 10 s.
    private func firstRecord(from sink: HTTPEventSink) async throws -> [String: Any]? {
        for _ in 0..<50 {
            if let body = sink.bodies.first,
               let records = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["Records"] as? [[String: Any]] {
                return records.first
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }
}
