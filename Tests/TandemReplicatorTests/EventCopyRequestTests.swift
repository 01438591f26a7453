import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// What an event costs on the wire, counted from the transport's log: a new small object is two requests (GET and a
/// conditional PUT streamed; HEAD and CopyObject inside the server), as a backfill's copy is; a repeated event writes
/// nothing; a changed object is copied; the echo of a copy in a two-way pair is stopped before any write.
@Suite(.serialized) struct EventCopyRequestTests {
    @Test(arguments: ["moto", "radosgw"], [false, true]) func aNewObjectCostsTwoRequestsAndARepeatWritesNothing(server: String, serverSide: Bool) async throws {
        try await S3TestServer.withBuckets(on: server, "evreq") { s3, sourceBucket, targetBucket in
            let side: (String) async throws -> EndpointConfiguration = { bucket in
                if server == "moto" {
                    return EndpointConfiguration(endpoint: try await MotoServer.shared().endpoint, region: "us-east-1", accessKey: "testing", secretKey: "testing", bucket: bucket)
                }
                let cluster = try await CephCluster.shared()
                let credentials = try #require(cluster.adminCredentials)
                return EndpointConfiguration(endpoint: cluster.endpoint, region: "us-east-1", accessKey: credentials.accessKeyID, secretKey: credentials.secretAccessKey, bucket: bucket)
            }
            let recorder = RequestRecorder()
            try await recorder.withTransport { transport in
                let pipeline = { (name: String, from: EndpointConfiguration, to: EndpointConfiguration) in
                    try Pipeline(PipelineConfiguration(name: name, source: from, target: .init(endpoint: to, keyTemplate: "{key}"), events: .init(sqs: nil, http: nil),
                                                       skipPrincipals: [], concurrency: 1, copy: .init(multipartThreshold: 16 << 20, partSize: 8 << 20, partsInFlight: 4, serverSide: serverSide)),
                                 transport: transport)
                }
                let (source, target) = (try await side(sourceBucket), try await side(targetBucket))
                let forward = try pipeline("forward", source, target), backward = try pipeline("backward", target, source)
                let created = { (bucket: String, key: String) async throws -> ObjectEvent in
                    let head = try #require(try await s3.headObject(bucket: bucket, key: key))
                    return ObjectEvent(change: .created, name: "ObjectCreated:Put", bucket: bucket, key: key, size: head.size, eTag: head.eTag, eventSource: "test")
                }
                let writes = { (requests: [RequestRecorder.Request]) in requests.filter { $0.method == "PUT" && $0.status == 200 } }

                try await s3.putObject(bucket: sourceBucket, key: "a.txt", body: Array(repeating: 7, count: 4096), headers: [("x-amz-meta-owner", "team a")])
                let event = try await created(sourceBucket, "a.txt")
                _ = recorder.take()
                #expect(try await forward.handle(event) == .replicated(bytes: 4096))
                let newObject = recorder.take()
                #expect(newObject.count == 2, "\(newObject)")
                #expect(newObject.map(\.method) == (serverSide ? ["HEAD", "PUT"] : ["GET", "PUT"]), "\(newObject)")
                #expect(try await s3.getObjectBytes(bucket: targetBucket, key: "a.txt") == Array(repeating: 7, count: 4096))
                #expect(try await s3.headObject(bucket: targetBucket, key: "a.txt")?.metadata["owner"] == "team a")

                // The same event again (at-least-once delivery): nothing written.
                #expect(try await forward.handle(event) == .skipped("already-current"))
                #expect(writes(recorder.take()).isEmpty)

                // The object changed: the new content is copied, whatever the event's ETag (the source's state is copied).
                try await s3.putObject(bucket: sourceBucket, key: "a.txt", body: Array("changed".utf8), headers: [])
                #expect(try await forward.handle(event) == .replicated(bytes: 7))
                #expect(try await s3.getObjectBytes(bucket: targetBucket, key: "a.txt") == Array("changed".utf8))

                // The target's event for that copy, handled by the opposite pipeline: an echo, stopped before any write.
                _ = recorder.take()
                #expect(try await backward.handle(try await created(targetBucket, "a.txt")) == .skipped("already-current"))
                #expect(writes(recorder.take()).isEmpty)
                #expect(try await s3.getObjectBytes(bucket: sourceBucket, key: "a.txt") == Array("changed".utf8))
            }
        }
    }
}
