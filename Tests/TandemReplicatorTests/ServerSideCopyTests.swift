import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// Server-side copies (CopyObject, UploadPartCopy) against moto and a real radosgw: metadata and tags kept, copies
/// recognised as current in both directions, a stale listing answered by starting over, and the choice of the mode
/// from the pipeline's endpoints.
@Suite(.serialized) struct ServerSideCopyTests {
    private let key = "dir/ünïcödé key+%41 & = ?.txt"

    /// Runs `body` with a client of a fresh moto, or of the shared radosgw with buckets named for this run.
    private func onServer(_ server: String, _ body: @Sendable (S3Client, _ source: String, _ target: String) async throws -> Void) async throws {
        try await S3TestServer.withBuckets(on: server, "ssc", body)
    }

    @Test(arguments: ["moto", "radosgw"]) func smallObjectsKeepMetadataAndTagsWithOneCopy(server: String) async throws {
        try await onServer(server) { s3, source, target in
            try await s3.putObject(bucket: source, key: key, body: Array("hello, server".utf8), headers: [
                ("content-type", "text/plain; charset=utf-8"), ("cache-control", "max-age=60"), ("x-amz-meta-owner", "team a"), ("x-amz-tagging", "class=gold&a%20b=c"),
            ])
            let original = try #require(try await s3.headObject(bucket: source, key: key))
            let copier = ObjectCopier(source: s3, target: s3, settings: .init(serverSide: true))
            let listed = ListedObject(key: key, size: original.size, eTag: original.eTag)
            #expect(try await copier.copy(bucket: source, key: key, to: target, key: "mirror/" + key, targetIsMissing: true, listed: listed) == .copied(bytes: 13))

            let copied = try #require(try await s3.headObject(bucket: target, key: "mirror/" + key))
            #expect(copied.eTag == original.eTag)
            #expect(copied.standardHeaders == original.standardHeaders)
            // Metadata copied as it is (COPY directive): no bytes went through the replicator, which would have recorded the source ETag.
            #expect(copied.metadata == ["owner": "team a"])
            #expect(try await s3.getObjectTagging(bucket: target, key: "mirror/" + key) == ["class": "gold", "a b": "c"])
            #expect(try await s3.getObjectBytes(bucket: target, key: "mirror/" + key) == Array("hello, server".utf8))

            #expect(try await copier.copy(bucket: source, key: key, to: target, key: "mirror/" + key) == .alreadyCurrent)
            #expect(try await copier.copy(bucket: target, key: "mirror/" + key, to: source, key: key) == .alreadyCurrent)
            #expect(try await copier.copy(bucket: source, key: "gone.txt", to: target, key: "gone.txt") == .sourceGone)
            #expect(try await copier.copy(bucket: source, key: "gone.txt", to: target, key: "gone.txt", targetIsMissing: true,
                                          listed: ListedObject(key: "gone.txt", size: 1, eTag: original.eTag)) == .sourceGone)
        }
    }

    /// Streamed copies ask for tags only when the source counts some: a tagged object keeps its tags, an untagged one
    /// arrives untagged (both servers send `x-amz-tagging-count` for tagged objects).
    @Test(arguments: ["moto", "radosgw"]) func streamedCopiesKeepTagsCountedByTheSource(server: String) async throws {
        try await onServer(server) { s3, source, target in
            try await s3.putObject(bucket: source, key: "tagged.txt", body: Array("tagged".utf8), headers: [("x-amz-tagging", "class=gold&a%20b=c")])
            try await s3.putObject(bucket: source, key: "plain.txt", body: Array("plain".utf8), headers: [])
            let copier = ObjectCopier(source: s3, target: s3, settings: .init(serverSide: false))
            for key in ["tagged.txt", "plain.txt"] {
                #expect(try await copier.copy(bucket: source, key: key, to: target, key: key) == .copied(bytes: key == "plain.txt" ? 5 : 6))
            }
            let head = try #require(try await s3.headObject(bucket: source, key: "tagged.txt"))
            #expect(head.tagCount == 2, "the server counts the tags")
            // The backfill path: one GET that also carries the headers.
            #expect(try await copier.copy(bucket: source, key: "tagged.txt", to: target, key: "backfilled.txt", targetIsMissing: true,
                                          listed: ListedObject(key: "tagged.txt", size: head.size, eTag: head.eTag)) == .copied(bytes: 6))
            for key in ["tagged.txt", "backfilled.txt"] {
                #expect(try await s3.getObjectTagging(bucket: target, key: key) == ["class": "gold", "a b": "c"], "\(key)")
            }
            #expect(try await s3.getObjectTagging(bucket: target, key: "plain.txt") == [:])
        }
    }

    /// A listing older than the object: radosgw refuses the copy (If-Match) and it starts over from HEAD; moto ignores
    /// If-Match on copies, and the ETag the copy reports sends it down the same path. Either way the current version lands.
    @Test(arguments: ["moto", "radosgw"]) func aStaleListingCopiesTheCurrentVersion(server: String) async throws {
        try await onServer(server) { s3, source, target in
            try await s3.putObject(bucket: source, key: "changed.txt", body: Array("version one".utf8), headers: [])
            let first = try #require(try await s3.headObject(bucket: source, key: "changed.txt"))
            try await s3.putObject(bucket: source, key: "changed.txt", body: Array("version two, longer".utf8), headers: [("x-amz-meta-v", "2")])
            let copier = ObjectCopier(source: s3, target: s3, settings: .init(serverSide: true))
            let outcome = try await copier.copy(bucket: source, key: "changed.txt", to: target, key: "changed.txt", targetIsMissing: true,
                                                listed: ListedObject(key: "changed.txt", size: first.size, eTag: first.eTag))
            #expect(outcome == .copied(bytes: 19))
            #expect(try await s3.getObjectBytes(bucket: target, key: "changed.txt") == Array("version two, longer".utf8))
            let current = try #require(try await s3.headObject(bucket: source, key: "changed.txt"))
            // radosgw: 412, then a copy of the version HEAD saw, metadata as it is; moto: the copy's ETag is not the listed one,
            // so it is made again with REPLACE and the source ETag recorded.
            let recorded = server == "radosgw" ? [:] : [ObjectCopier.sourceETagMetadata: current.eTag]
            #expect(try await s3.headObject(bucket: target, key: "changed.txt")?.metadata == recorded.merging(["v": "2"]) { $1 })
            #expect(try await copier.copy(bucket: source, key: "changed.txt", to: target, key: "changed.txt") == .alreadyCurrent)
        }
    }

    /// A multipart source: radosgw keeps its ETag on a copy; moto gives the copy one of its own, so the copy is made
    /// again with the source ETag recorded. Both are current in both directions afterwards.
    @Test(arguments: ["moto", "radosgw"]) func multipartSourcesAreRecognisedAfterACopy(server: String) async throws {
        try await onServer(server) { s3, source, target in
            let body = Self.pattern(11 << 20)
            let upload = try await s3.createMultipartUpload(bucket: source, key: "parts.bin", headers: [("x-amz-meta-kind", "parts")])
            var parts: [(number: Int, eTag: String)] = []
            for (index, offset) in stride(from: 0, to: body.count, by: 5 << 20).enumerated() {
                let part = Array(body[offset..<min(offset + (5 << 20), body.count)])
                parts.append((index + 1, try await s3.uploadPart(bucket: source, key: "parts.bin", uploadID: upload, partNumber: index + 1, body: part)))
            }
            try await s3.completeMultipartUpload(bucket: source, key: "parts.bin", uploadID: upload, parts: parts)
            let original = try #require(try await s3.headObject(bucket: source, key: "parts.bin"))
            #expect(original.eTag.hasSuffix("-3"))

            let copier = ObjectCopier(source: s3, target: s3, settings: .init(serverSide: true))
            #expect(try await copier.copy(bucket: source, key: "parts.bin", to: target, key: "parts.bin") == .copied(bytes: 11 << 20))
            let copied = try #require(try await s3.headObject(bucket: target, key: "parts.bin"))
            if server == "radosgw" {
                #expect(copied.eTag == original.eTag && copied.metadata == ["kind": "parts"])
            } else {
                #expect(copied.eTag != original.eTag && copied.metadata == ["kind": "parts", ObjectCopier.sourceETagMetadata: original.eTag])
            }
            #expect(try await s3.getObjectBytes(bucket: target, key: "parts.bin") == body)
            #expect(try await copier.copy(bucket: source, key: "parts.bin", to: target, key: "parts.bin") == .alreadyCurrent)
            #expect(try await copier.copy(bucket: target, key: "parts.bin", to: source, key: "parts.bin") == .alreadyCurrent)
        }
    }

    /// Above the single-copy limit (lowered here from 5 GiB) the copy goes in UploadPartCopy parts.
    @Test(arguments: ["moto", "radosgw"]) func largeObjectsAreCopiedInParts(server: String) async throws {
        try await onServer(server) { s3, source, target in
            let body = Self.pattern(12 << 20)
            try await s3.putObject(bucket: source, key: "big.bin", body: body, headers: [("content-type", "application/x-big"), ("x-amz-meta-size", "12")])
            let original = try #require(try await s3.headObject(bucket: source, key: "big.bin"))
            let copier = ObjectCopier(source: s3, target: s3, settings: .init(partSize: 5 << 20, partsInFlight: 2, serverSide: true, singleCopyLimit: 6 << 20))
            #expect(try await copier.copy(bucket: source, key: "big.bin", to: target, key: "big.bin", targetIsMissing: true,
                                          listed: ListedObject(key: "big.bin", size: 12 << 20, eTag: original.eTag)) == .copied(bytes: 12 << 20))
            let copied = try #require(try await s3.headObject(bucket: target, key: "big.bin"))
            #expect(copied.eTag.hasSuffix("-3"), "5 + 5 + 2 MiB")
            #expect(copied.standardHeaders["content-type"] == "application/x-big")
            #expect(copied.metadata == ["size": "12", ObjectCopier.sourceETagMetadata: original.eTag])
            #expect(try await s3.getObjectBytes(bucket: target, key: "big.bin") == body)
            #expect(try await copier.copy(bucket: source, key: "big.bin", to: target, key: "big.bin") == .alreadyCurrent)
            #expect(try await copier.copy(bucket: target, key: "big.bin", to: source, key: "big.bin") == .alreadyCurrent)
        }
    }

    @Test func pipelinesCopyInTheServerOnlyWithOneEndpointAndOneIdentity() async throws {
        let moto = try await MotoServer.shared()
        func side(_ endpoint: String, _ key: String, _ bucket: String) -> EndpointConfiguration {
            EndpointConfiguration(endpoint: endpoint, region: "us-east-1", accessKey: key, secretKey: "secret", bucket: bucket)
        }
        func serverSide(_ source: EndpointConfiguration, _ target: EndpointConfiguration, setting: Bool? = nil) throws -> Bool {
            let copy = setting.map { PipelineConfiguration.CopySizes(multipartThreshold: 16 << 20, partSize: 8 << 20, partsInFlight: 4, serverSide: $0) }
            let configuration = PipelineConfiguration(name: "p", source: source, target: .init(endpoint: target, keyTemplate: "{key}"),
                                                      events: .init(sqs: nil, http: .init(secret: "test-push-secret-0123")), skipPrincipals: [], concurrency: 1, copy: copy)
            return try Pipeline(configuration, transport: moto.transport).copier.settings.serverSide
        }
        let here = "http://127.0.0.1:9000"
        #expect(try serverSide(side(here, "AK", "a"), side(here, "AK", "b")))
        #expect(try serverSide(side(here, "AK", "a"), side(here, "AK", "b"), setting: true))
        #expect(try !serverSide(side(here, "AK", "a"), side(here, "AK", "b"), setting: false))
        #expect(try !serverSide(side(here, "AK", "a"), side(here, "OTHER", "b")), "another identity may not read the source")
        #expect(try !serverSide(side(here, "AK", "a"), side("http://127.0.0.1:9001", "AK", "b")))
    }

    private static func pattern(_ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
    }
}
