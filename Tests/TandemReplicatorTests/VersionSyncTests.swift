import AWSClient
import Foundation
import Testing
import TandemReplicator
import TandemTesting

/// `ObjectSync` with `versions`: each key's history replayed oldest first (versions with their contents and metadata,
/// delete markers as deletes), a second run copying nothing, a new version copied alone, an unversioned target refused.
struct VersionSyncTests {
    @Test(arguments: ["moto", "radosgw"]) func everyVersionIsCopiedOldestFirstAndOnlyOnce(server: String) async throws {
        let endpoint: EndpointConfiguration
        if server == "moto" {
            endpoint = EndpointConfiguration(endpoint: try await MotoServer.shared().endpoint, region: "us-east-1", accessKey: "testing", secretKey: "testing", bucket: "")
        } else {
            let cluster = try await CephCluster.shared()
            let keys = try #require(cluster.adminCredentials)
            endpoint = EndpointConfiguration(endpoint: cluster.endpoint, region: "us-east-1", accessKey: keys.accessKeyID, secretKey: keys.secretAccessKey, bucket: "")
        }
        try await S3TestServer.withBuckets(on: server, "versions") { s3, sourceBucket, targetBucket in
            func sync() async throws -> ObjectSync.Outcome {
                var source = endpoint, target = endpoint
                (source.bucket, source.prefix, target.bucket, target.prefix) = (sourceBucket, "docs/", targetBucket, "copy/")
                return try await ObjectSync(source: source, target: target, options: ObjectSync.Options(transfers: 4, versions: true)).run { _ in }
            }
            // Refused while the target is not versioned.
            try await s3.putBucketVersioning(sourceBucket, status: "Enabled")
            await #expect(throws: SyncRefusal.self) { _ = try await sync() }
            try await s3.putBucketVersioning(targetBucket, status: "Enabled")

            for text in ["first", "second", "third"] {
                try await s3.putObject(bucket: sourceBucket, key: "docs/a.txt", body: Array(text.utf8), headers: [("x-amz-meta-edition", text)])
            }
            try await s3.putObject(bucket: sourceBucket, key: "docs/gone.txt", body: Array("short-lived".utf8), contentType: nil)
            try await s3.deleteObject(bucket: sourceBucket, key: "docs/gone.txt")

            let first = try await sync()
            #expect(first.examined == 5 && first.copied == 5 && first.failed == 0, "\(first)")
            let history = try await versions(s3, targetBucket, "copy/a.txt")
            #expect(history.count == 3)
            var contents: [String] = []
            for version in history {
                let body = try await s3.getObject(bucket: targetBucket, key: "copy/a.txt", versionID: version.versionID)
                contents.append(String(buffer: body))
                let head = try #require(try await s3.headObject(bucket: targetBucket, key: "copy/a.txt", versionID: version.versionID))
                #expect(head.metadata["edition"] == String(buffer: body))
            }
            #expect(contents == ["first", "second", "third"], "oldest first")
            let gone = try await versions(s3, targetBucket, "copy/gone.txt")
            #expect(gone.map(\.isDeleteMarker) == [false, true], "the delete replayed as a delete marker")
            #expect(try await s3.headObject(bucket: targetBucket, key: "copy/gone.txt") == nil)

            let again = try await sync()
            #expect(again.copied == 0 && again.alreadyCurrent == 5 && again.failed == 0, "\(again)")
            try await s3.putObject(bucket: sourceBucket, key: "docs/a.txt", body: Array("fourth".utf8), contentType: nil)
            let fourth = try await sync()
            #expect(fourth.copied == 1 && fourth.alreadyCurrent == 5, "\(fourth)")
            #expect(String(buffer: try await s3.getObject(bucket: targetBucket, key: "copy/a.txt")) == "fourth")
        }
    }

    /// A key's versions, oldest first.
    private func versions(_ s3: S3Client, _ bucket: String, _ key: String) async throws -> [ObjectVersionReference] {
        try await s3.listObjectVersions(bucket, prefix: key, keyMarker: nil, versionIDMarker: nil).objects.filter { $0.key == key }.reversed()
    }
}
