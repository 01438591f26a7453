import AWSClient
import CephClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// Two pipelines in opposite directions between two RGW buckets, fed by real radosgw pushes: after a burst of
/// writes and deletes on both sides, both sides are equal, every echo (the replicator's own writes coming back) is
/// skipped, and nothing is copied twice.
@Suite(.serialized) struct BidirectionalLoopTests {
    @Test func aBidirectionalPairNeverPingPongs() async throws {
        let cluster = try await CephCluster.shared()
        // The replicator's own identity: a separate RGW user allowed into both buckets by bucket policy.
        let replicatorUser = try await cluster.admin.json(["user", "create", "--uid=loop-replicator", "--display-name=Loop replicator"], as: RGWUser.self)
        let replicatorKey = try #require(replicatorUser.keys.first)
        let writer = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        let sns = SNSClient(configuration: cluster.configuration(), transport: cluster.transport)
        for bucket in ["loop-east", "loop-west"] {
            try await writer.createBucket(bucket, locationConstraint: nil)
            try await writer.putBucketPolicy(bucket, policy: """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/loop-replicator"]},
             "Action":["s3:*"],"Resource":["arn:aws:s3:::\(bucket)","arn:aws:s3:::\(bucket)/*"]}]}
            """)
        }
        let endpoint = { (bucket: String) in
            EndpointConfiguration(endpoint: cluster.endpoint, region: "us-east-1", accessKey: replicatorKey.accessKey, secretKey: replicatorKey.secretKey, bucket: bucket)
        }
        let pipeline = { (name: String, from: String, to: String) in
            PipelineConfiguration(name: name, source: endpoint(from), target: .init(endpoint: endpoint(to), keyTemplate: "{key}"),
                                  events: .init(sqs: nil, http: .init(secret: "test-push-secret-0123")), skipPrincipals: ["loop-replicator"], concurrency: 4, copy: nil)
        }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-loop-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let replicator = Replicator(configuration: ReplicatorConfiguration(
            pipelines: [pipeline("east-to-west", "loop-east", "loop-west"), pipeline("west-to-east", "loop-west", "loop-east")],
            listen: "127.0.0.1:0", stateDirectory: state), log: { print($0) })
        let address = AsyncStream.makeStream(of: String.self)
        let running = Task { try await replicator.run(started: { address.continuation.yield($0) }) }
        defer { running.cancel() }
        var iterator = address.stream.makeAsyncIterator()
        let listening = try #require(await iterator.next())

        for (bucket, name) in [("loop-east", "east-to-west"), ("loop-west", "west-to-east")] {
            let arn = try await TopicChanges.shared.run { try await sns.createTopic(name: "loop-\(name)", attributes: ["push-endpoint": "http://\(listening)/events/\(name)/test-push-secret-0123", "persistent": "false"]) }
            try await writer.putBucketNotification(bucket, NotificationConfiguration(topics: [
                NotificationTarget(id: "loop", arn: arn, events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]),
            ]))
        }

        // The burst: 8 writes on each side (one key written on both), then 2 deletes on each side.
        for index in 0..<8 {
            try await writer.putObject(bucket: "loop-east", key: "east/\(index) é+.txt", body: Array("east \(index)".utf8), headers: [])
            try await writer.putObject(bucket: "loop-west", key: "west/\(index) %41.txt", body: Array("west \(index)".utf8), headers: [])
        }
        for index in 0..<2 {
            try await writer.deleteObject(bucket: "loop-east", key: "east/\(index) é+.txt")
            try await writer.deleteObject(bucket: "loop-west", key: "west/\(index) %41.txt")
        }
        let expected = Set((2..<8).flatMap { ["east/\($0) é+.txt", "west/\($0) %41.txt"] })
        var east: Set<String> = [], west: Set<String> = []
        for _ in 0..<75 {
            east = Set(try await writer.listObjectKeys(bucket: "loop-east"))
            west = Set(try await writer.listObjectKeys(bucket: "loop-west"))
            if east == expected && west == expected { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(east == expected && west == expected, "both sides are equal: east \(east.count), west \(west.count)")
        let metrics = replicator.metrics
        func echoes() -> Int {
            metrics.value("events_skipped", pipeline: "east-to-west", reason: "own-principal") + metrics.value("events_skipped", pipeline: "west-to-east", reason: "own-principal")
        }
        func writesAndDeletes() -> Int {
            ["east-to-west", "west-to-east"].reduce(0) { $0 + metrics.value("objects_replicated", pipeline: $1) + metrics.value("objects_deleted", pipeline: $1) }
        }
        for _ in 0..<50 where echoes() < writesAndDeletes() {  // the last echoes may still be on their way
            try await Task.sleep(for: .milliseconds(200))
        }
        for name in ["east-to-west", "west-to-east"] {
            #expect(metrics.value("objects_replicated", pipeline: name) == 8, "\(name): each write copied once")
            #expect(metrics.value("events_failed", pipeline: name) == 0)
        }
        // Every copy and every replicated delete came back as an event from the replicator's uid and was skipped.
        #expect(echoes() == writesAndDeletes(), "echoes \(echoes()), replicated writes and deletes \(writesAndDeletes())")
        for bucket in ["loop-east", "loop-west"] { try await writer.deleteBucketNotification(bucket) }
    }
}
