import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// Backfill on moto: the merge of two listings (small pages, so it crosses page boundaries on both sides) copies
/// what is missing or different, leaves identical and target-only objects alone, and a second run copies nothing;
/// copying inside the server (one endpoint, one identity) and moving the bytes alike.
@Suite(.serialized) struct BackfillTests {
    @Test(arguments: [true, false]) func streamingMergeCopiesOnlyWhatDiffers(serverSide: Bool) async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("backfill-source", locationConstraint: nil)
            try await s3.createBucket("backfill-target", locationConstraint: nil)
            // UTF-8 byte order differs from Swift's string order for these: the merge must follow S3's.
            let keys = (0..<30).map { "k\(String(format: "%02d", $0))" } + ["Z upper", "a+plus", "é-accent", "日本", "~tilde", "ﬀ-ligature"]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for key in keys { group.addTask { try await s3.putObject(bucket: "backfill-source", key: key, body: Array(key.utf8), headers: []) } }
                try await group.waitForAll()
            }
            try await s3.putObject(bucket: "backfill-source", key: "zz-empty", body: [], headers: [("content-type", "text/plain")])
            for key in keys.prefix(10) {  // already replicated
                try await s3.putObject(bucket: "backfill-target", key: "mirror/" + key, body: Array(key.utf8), headers: [])
            }
            try await s3.putObject(bucket: "backfill-target", key: "mirror/k10", body: Array("stale".utf8), headers: [])
            try await s3.putObject(bucket: "backfill-target", key: "mirror/only-on-target", body: Array("mine".utf8), headers: [])

            let endpoint = { (bucket: String) in
                EndpointConfiguration(endpoint: moto.endpoint, region: "us-east-1", accessKey: "testing", secretKey: "testing", bucket: bucket)
            }
            let configuration = PipelineConfiguration(
                name: "backfill", source: endpoint("backfill-source"), target: .init(endpoint: endpoint("backfill-target"), keyTemplate: "mirror/{key}"),
                events: .init(sqs: nil, http: .init(secret: "test-push-secret-0123")), skipPrincipals: [], concurrency: 4,
                copy: .init(multipartThreshold: 16 << 20, partSize: 8 << 20, partsInFlight: 4, serverSide: serverSide))
            let backfill = Backfill(pipeline: try Pipeline(configuration, transport: moto.transport), pageSize: 7)
            let summary = try await backfill.run()
            #expect(summary.examined == keys.count + 1)
            #expect(summary.copied == keys.count - 10 + 1, "the missing ones (an empty object too) plus the stale k10")
            #expect(summary.alreadyCurrent == 10)
            let target = Set(try await s3.listObjectKeys(bucket: "backfill-target"))
            #expect(target == Set(keys.map { "mirror/" + $0 } + ["mirror/only-on-target", "mirror/zz-empty"]))
            #expect(try await s3.headObject(bucket: "backfill-target", key: "mirror/zz-empty")?.size == 0)
            #expect(try await s3.getObjectBytes(bucket: "backfill-target", key: "mirror/k10") == Array("k10".utf8))
            // A server-side copy keeps the source's metadata as it is; bytes moved by the replicator record the source ETag.
            let recorded = try await s3.headObject(bucket: "backfill-target", key: "mirror/k20")?.metadata[ObjectCopier.sourceETagMetadata]
            #expect((recorded == nil) == serverSide)

            let again = try await backfill.run()
            #expect(again.copied == 0 && again.alreadyCurrent == keys.count + 1)
        }
    }

    /// A delete that lands while a listed object waits out the quiet period (in a pair: the delete event on its way to
    /// this pipeline's source) is not undone: the copy finds the source gone.
    @Test(arguments: [true, false]) func theQuietPeriodLetsADeleteInFlightLand(serverSide: Bool) async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("quiet-source", locationConstraint: nil)
            try await s3.createBucket("quiet-target", locationConstraint: nil)
            for key in ["deleted-meanwhile", "kept"] { try await s3.putObject(bucket: "quiet-source", key: key, body: Array(key.utf8), headers: []) }
            let endpoint = { (bucket: String) in
                EndpointConfiguration(endpoint: moto.endpoint, region: "us-east-1", accessKey: "testing", secretKey: "testing", bucket: bucket)
            }
            let configuration = PipelineConfiguration(
                name: "quiet", source: endpoint("quiet-source"), target: .init(endpoint: endpoint("quiet-target"), keyTemplate: "{key}"),
                events: .init(sqs: nil, http: .init(secret: "test-push-secret-0123")), skipPrincipals: [], concurrency: 2,
                copy: .init(multipartThreshold: 16 << 20, partSize: 8 << 20, partsInFlight: 4, serverSide: serverSide))
            let backfill = Backfill(pipeline: try Pipeline(configuration, transport: moto.transport), quietPeriod: .seconds(2))
            let clock = ContinuousClock(), start = clock.now
            let run = Task { try await backfill.run() }
            try await Task.sleep(for: .milliseconds(500))
            try await s3.deleteObject(bucket: "quiet-source", key: "deleted-meanwhile")
            let summary = try await run.value
            #expect(clock.now - start >= .seconds(2), "nothing was copied before the quiet period")
            #expect(summary.examined == 2 && summary.copied == 1 && summary.failed == 0)
            #expect(try await s3.listObjectKeys(bucket: "quiet-target") == ["kept"])
        }
    }
}
