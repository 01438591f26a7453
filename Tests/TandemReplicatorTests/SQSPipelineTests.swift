import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// A pipeline fed by a real SQS queue on moto that the source bucket notifies: creates, overwrites and deletes with
/// awkward keys reach the target; messages are deleted only after success; own-principal and out-of-order events.
@Suite(.serialized) struct SQSPipelineTests {
    private struct Setup {
        let s3: S3Client
        let sqs: SQSClient
        let queueURL: String
        let configuration: PipelineConfiguration
    }

    private func setUp(_ moto: MotoServer) async throws -> Setup {
        let settings = moto.configuration(region: "us-east-1")
        let s3 = S3Client(configuration: settings, transport: moto.transport)
        let sqs = SQSClient(configuration: settings, transport: moto.transport)
        try await s3.createBucket("pipeline-source", locationConstraint: nil)
        try await s3.createBucket("pipeline-target", locationConstraint: nil)
        let queueURL = try await sqs.createQueue(name: "pipeline-events", attributes: [:], tags: [:])
        let endpoint = { (bucket: String) in
            EndpointConfiguration(endpoint: moto.endpoint, region: "us-east-1", accessKey: "testing", secretKey: "testing", bucket: bucket)
        }
        let configuration = PipelineConfiguration(
            name: "source-to-target", source: endpoint("pipeline-source"),
            target: .init(endpoint: endpoint("pipeline-target"), keyTemplate: "replica/{key}"),
            events: .init(sqs: .init(queueURL: queueURL, endpoint: nil, visibilityTimeout: 60), http: nil),
            skipPrincipals: ["AWS:AIDAREPLICATOR"], concurrency: 4, copy: nil)
        return Setup(s3: s3, sqs: sqs, queueURL: queueURL, configuration: configuration)
    }

    /// Polls until `condition` holds (10 s at most).
    private func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<50 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test func bucketEventsThroughSQSReachTheTarget() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let setup = try await setUp(moto)
            try await setup.s3.putBucketNotification("pipeline-source", NotificationConfiguration(queues: [
                NotificationTarget(id: "all", arn: "arn:aws:sqs:us-east-1:123456789012:pipeline-events", events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]),
            ]))
            let metrics = ReplicatorMetrics()
            let pipeline = try Pipeline(setup.configuration, transport: moto.transport)
            let source = SQSEventSource(try #require(setup.configuration.events.sqs), source: setup.configuration.source, pipeline: pipeline,
                                        transport: moto.transport, metrics: metrics, log: { print($0) })
            let running = Task { await source.run(waitSeconds: 1) }
            defer { running.cancel() }

            let keys = ["plain.txt", "with space.txt", "plus+sign.txt", "percent%41.txt", "unicodé/日本語 ✓.txt", "deep/a/b/c.txt"]
            for key in keys {
                try await setup.s3.putObject(bucket: "pipeline-source", key: key, body: Array("v1 \(key)".utf8), headers: [("content-type", "text/plain")])
            }
            try await setup.s3.putObject(bucket: "pipeline-source", key: "plain.txt", body: Array("v2".utf8), headers: [("x-amz-meta-rev", "2")])
            try await setup.s3.deleteObject(bucket: "pipeline-source", key: "deep/a/b/c.txt")

            let expected = Set(keys.filter { $0 != "deep/a/b/c.txt" }.map { "replica/" + $0 })
            let converged = try await eventually {
                let listed = Set(try await setup.s3.listObjectKeys(bucket: "pipeline-target"))
                let latest = try await setup.s3.getObjectBytes(bucket: "pipeline-target", key: "replica/plain.txt")
                let metadata = try await setup.s3.headObject(bucket: "pipeline-target", key: "replica/plain.txt")?.metadata
                return listed == expected && latest == Array("v2".utf8) && metadata?["rev"] == "2"
            }
            let listed = try await setup.s3.listObjectKeys(bucket: "pipeline-target")
            #expect(converged, "target: \(listed)")
            #expect(try await setup.s3.headObject(bucket: "pipeline-target", key: "replica/plain.txt")?.metadata["rev"] == "2")
            let drained = try await eventually { try await setup.sqs.receiveMessages(queueURL: setup.queueURL, waitSeconds: 0).isEmpty }
            #expect(drained, "every message was deleted after its copy")
            // A delete of a key the target has removes the copy.
            try await setup.s3.deleteObject(bucket: "pipeline-source", key: "with space.txt")
            let removed = try await eventually { try await setup.s3.headObject(bucket: "pipeline-target", key: "replica/with space.txt") == nil }
            #expect(removed)
            #expect(metrics.value("events_received", pipeline: "source-to-target") == 9, "6 puts, 1 overwrite, 2 deletes")
            #expect(metrics.value("events_failed", pipeline: "source-to-target") == 0)
            #expect(metrics.value("objects_deleted", pipeline: "source-to-target") >= 1)
            #expect(metrics.gaugeSnapshot.map { "\($0.0.name) \($0.0.pipeline)" } == ["queue_lag source-to-target"], "the queue's backlog is reported")
        }
    }

    /// Six messages waiting, taken in one receive: deleted together in one `DeleteMessageBatch`, not one request each.
    @Test func theMessagesOfOneReceiveAreDeletedInOneRequest() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let setup = try await setUp(moto)
            try await setup.s3.putBucketNotification("pipeline-source", NotificationConfiguration(queues: [
                NotificationTarget(id: "all", arn: "arn:aws:sqs:us-east-1:123456789012:pipeline-events", events: ["s3:ObjectCreated:*"]),
            ]))
            let keys = (1...6).map { "batch-\($0).txt" }
            for key in keys { try await setup.s3.putObject(bucket: "pipeline-source", key: key, body: Array(key.utf8), headers: []) }
            var configuration = setup.configuration
            configuration.concurrency = 10
            let recorder = RequestRecorder()
            try await recorder.withTransport { transport in
                let pipeline = try Pipeline(configuration, transport: transport)
                let source = SQSEventSource(try #require(configuration.events.sqs), source: configuration.source, pipeline: pipeline, concurrency: 10,
                                            transport: transport, metrics: ReplicatorMetrics(), log: { print($0) })
                let running = Task { await source.run(waitSeconds: 1) }
                defer { running.cancel() }
                let replicated = try await eventually {
                    Set(try await setup.s3.listObjectKeys(bucket: "pipeline-target")) == Set(keys.map { "replica/" + $0 })
                }
                #expect(replicated)
                var operations: [String] = []
                let deleted = try await eventually {
                    operations += recorder.take().map(\.operation)
                    guard operations.contains("DeleteMessageBatch") else { return false }
                    let attributes = try await setup.sqs.getQueueAttributes(queueURL: setup.queueURL)
                    return attributes["ApproximateNumberOfMessages"] == "0" && attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
                }
                #expect(deleted, "every message was deleted after its copy: \(operations)")
                #expect(!operations.contains("DeleteMessage"))
                let batches = operations.filter { $0 == "DeleteMessageBatch" }.count
                #expect((1..<keys.count).contains(batches), "fewer delete requests than messages: \(operations)")
            }
        }
    }

    @Test func ownEventsAndOutOfOrderEvents() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let setup = try await setUp(moto)
            let pipeline = try Pipeline(setup.configuration, transport: moto.transport)
            func event(_ change: ObjectEvent.Change, _ key: String, principal: String? = nil) -> ObjectEvent {
                ObjectEvent(change: change, name: change == .created ? "ObjectCreated:Put" : "ObjectRemoved:Delete",
                            bucket: "pipeline-source", key: key, principal: principal, eventSource: "aws:s3")
            }
            try await setup.s3.putObject(bucket: "pipeline-source", key: "k", body: Array("data".utf8), headers: [])
            #expect(try await pipeline.handle(event(.created, "k", principal: "AIDAREPLICATOR")) == .skipped("own-principal"))
            // A delete that arrives first while the source still has the key copies its current state.
            #expect(try await pipeline.handle(event(.removed, "k")) == .replicated(bytes: 4))
            #expect(try await pipeline.handle(event(.created, "k")) == .skipped("already-current"))
            // A create that arrives after the key was deleted copies nothing; the delete then removes the copy.
            try await setup.s3.deleteObject(bucket: "pipeline-source", key: "k")
            #expect(try await pipeline.handle(event(.created, "k")) == .skipped("source-gone"))
            #expect(try await pipeline.handle(event(.removed, "k")) == .deleted)
            #expect(try await setup.s3.headObject(bucket: "pipeline-target", key: "replica/k") == nil)
            #expect(try await pipeline.handle(event(.removed, "k")) == .skipped("already-current"))
        }
    }
}
