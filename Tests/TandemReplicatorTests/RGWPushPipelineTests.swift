import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// Real radosgw notifications pushed over HTTP to the replicator's endpoint: the topic, bucket notification and
/// buckets live on the test cluster's gateway; the pipeline copies bucket to bucket on it.
@Suite(.serialized) struct RGWPushPipelineTests {
    @Test func rgwPushesReachTheTargetThroughTheJournal() async throws {
        let cluster = try await CephCluster.shared()
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        let sns = SNSClient(configuration: cluster.configuration(), transport: cluster.transport)
        try await s3.createBucket("push-source", locationConstraint: nil)
        try await s3.createBucket("push-target", locationConstraint: nil)
        let endpoint = { (bucket: String) in
            EndpointConfiguration(endpoint: cluster.endpoint, region: "us-east-1", accessKey: cluster.adminCredentials?.accessKeyID ?? "",
                                  secretKey: cluster.adminCredentials?.secretAccessKey ?? "", bucket: bucket)
        }
        let configuration = PipelineConfiguration(
            name: "rgw-push", source: endpoint("push-source"), target: .init(endpoint: endpoint("push-target"), keyTemplate: "{bucket}/{key}"),
            events: .init(sqs: nil, http: .init(secret: "test-push-secret-0123")), skipPrincipals: [], concurrency: 4, copy: nil)
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-push-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let metrics = ReplicatorMetrics()
        let source = try PushEventSource(directory: journal, pipeline: try Pipeline(configuration, transport: cluster.transport),
                                         concurrency: 4, metrics: metrics, log: { print($0) })
        let server = try await ReplicatorHTTPServer.start(host: "127.0.0.1", port: 0, routes: .init(push: ["rgw-push": source], metrics: metrics, isReady: { true }))
        let worker = Task { await source.run() }
        defer { worker.cancel() }

        let arn = try await TopicChanges.shared.run { try await sns.createTopic(name: "push-test", attributes: ["push-endpoint": "http://\(server.address)/events/rgw-push/test-push-secret-0123", "persistent": "false"]) }
        try await s3.putBucketNotification("push-source", NotificationConfiguration(topics: [
            NotificationTarget(id: "replicate", arn: arn, events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]),
        ]))
        let keys = ["plain.txt", "with space.txt", "a+b+c.txt", "weird/%41 & = ? #.txt", "dir/ünïcödé 日本語.txt"]
        for key in keys {
            try await s3.putObject(bucket: "push-source", key: key, body: Array("rgw \(key)".utf8), headers: [("x-amz-meta-origin", "rgw")])
        }
        try await s3.deleteObject(bucket: "push-source", key: "plain.txt")

        let expected = Set(keys.dropFirst().map { "push-source/" + $0 })
        var listed: Set<String> = []
        for _ in 0..<50 {
            listed = Set(try await s3.listObjectKeys(bucket: "push-target"))
            if listed == expected { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(listed == expected, "raw RGW keys land as written, under the {bucket}/ prefix; the delete removed plain.txt")
        #expect(try await s3.headObject(bucket: "push-target", key: "push-source/a+b+c.txt")?.metadata["origin"] == "rgw")
        #expect(metrics.value("events_received", pipeline: "rgw-push") == 6)
        #expect(metrics.value("events_failed", pipeline: "rgw-push") == 0)

        let metricsPage = try await cluster.transport.sendUnsigned(method: "GET", url: "http://\(server.address)/metrics")
        let page = String(decoding: metricsPage.body, as: UTF8.self)
        #expect(page.contains(#"tandem_replicator_events_received_total{pipeline="rgw-push"} 6"#))
        #expect(page.contains(#"tandem_replicator_copy_seconds_count{pipeline="rgw-push"} \#(metrics.value("objects_replicated", pipeline: "rgw-push"))"#), "\(page)")
        #expect(page.contains(#"tandem_replicator_copy_seconds_bucket{pipeline="rgw-push",le="+Inf"}"#))
        // Every change that landed (copies and the delete) has a latency from its RGW event time.
        let landed = metrics.value("objects_replicated", pipeline: "rgw-push") + metrics.value("objects_deleted", pipeline: "rgw-push")
        #expect(landed > 0 && page.contains(#"tandem_replicator_replication_latency_seconds_count{pipeline="rgw-push"} \#(landed)"#), "\(page)")
        #expect(page.contains(#"tandem_replicator_replication_latency_seconds_bucket{pipeline="rgw-push",le="3600.0"} \#(landed)"#), "\(page)")
        #expect(try await cluster.transport.sendUnsigned(method: "GET", url: "http://\(server.address)/readyz").statusCode == 200)
        var lag = ""
        for _ in 0..<50 where !lag.contains(#"tandem_replicator_queue_lag{pipeline="rgw-push"} 0"#) {
            lag = String(decoding: try await cluster.transport.sendUnsigned(method: "GET", url: "http://\(server.address)/metrics").body, as: UTF8.self)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(lag.contains(#"tandem_replicator_queue_lag{pipeline="rgw-push"} 0"#), "every journaled event is done:\n\(lag)")
        try await s3.deleteBucketNotification("push-source")
        source.finish()
        await server.stop()
    }
}
