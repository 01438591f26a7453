import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// The copy engine against moto: metadata and tags kept, awkward keys, multipart above the threshold, and the
/// "already current" answer in both directions that keeps a bidirectional pair from echoing.
@Suite(.serialized) struct ObjectCopierTests {
    private let key = "dir/ünïcödé key+%41 & = ?.txt"

    @Test func smallObjectsKeepMetadataAndTagsAndNeverEcho() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("copier-source", locationConstraint: nil)
            try await s3.createBucket("copier-target", locationConstraint: nil)
            try await s3.putObject(bucket: "copier-source", key: key, body: Array("hello, copier".utf8), headers: [
                ("content-type", "text/plain; charset=utf-8"), ("content-encoding", "identity"), ("cache-control", "max-age=60"),
                ("content-disposition", "attachment; filename=\"a b.txt\""), ("x-amz-meta-owner", "team a"), ("x-amz-tagging", "class=gold&a%20b=c"),
            ])
            let copier = ObjectCopier(source: s3, target: s3)
            #expect(try await copier.copy(bucket: "copier-source", key: key, to: "copier-target", key: "mirror/" + key) == .copied(bytes: 13))

            let copied = try #require(try await s3.headObject(bucket: "copier-target", key: "mirror/" + key))
            let original = try #require(try await s3.headObject(bucket: "copier-source", key: key))
            #expect(copied.standardHeaders == original.standardHeaders)
            #expect(copied.metadata == ["owner": "team a", ObjectCopier.sourceETagMetadata: original.eTag])
            #expect(try await s3.getObjectTagging(bucket: "copier-target", key: "mirror/" + key) == ["class": "gold", "a b": "c"])
            #expect(try await s3.getObjectBytes(bucket: "copier-target", key: "mirror/" + key) == Array("hello, copier".utf8))

            // Again, and back the other way: nothing is written.
            #expect(try await copier.copy(bucket: "copier-source", key: key, to: "copier-target", key: "mirror/" + key) == .alreadyCurrent)
            #expect(try await copier.copy(bucket: "copier-target", key: "mirror/" + key, to: "copier-source", key: key) == .alreadyCurrent)
            #expect(try await copier.copy(bucket: "copier-source", key: "gone.txt", to: "copier-target", key: "gone.txt") == .sourceGone)
        }
    }

    @Test func largeObjectsGoInBoundedParts() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("copier-source", locationConstraint: nil)
            try await s3.createBucket("copier-target", locationConstraint: nil)
            var generator = SystemRandomNumberGenerator()
            let body = (0..<(17 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try await s3.putObject(bucket: "copier-source", key: "big.bin", body: body, headers: [("content-type", "application/octet-stream")])
            let copier = ObjectCopier(source: s3, target: s3, settings: .init(multipartThreshold: 5 << 20, partSize: 5 << 20, partsInFlight: 2))
            #expect(try await copier.copy(bucket: "copier-source", key: "big.bin", to: "copier-target", key: "big.bin") == .copied(bytes: 17 << 20))
            let copied = try #require(try await s3.headObject(bucket: "copier-target", key: "big.bin"))
            #expect(copied.eTag.hasSuffix("-4"), "four parts: 3 x 5 MiB + 2 MiB")
            #expect(copied.standardHeaders["content-type"] == "application/octet-stream")
            #expect(try await s3.getObjectBytes(bucket: "copier-target", key: "big.bin") == body)
            // The copy's own ETag differs from the source's, yet it is recognised as current in both directions.
            #expect(try await copier.copy(bucket: "copier-source", key: "big.bin", to: "copier-target", key: "big.bin") == .alreadyCurrent)
            #expect(try await copier.copy(bucket: "copier-target", key: "big.bin", to: "copier-source", key: "big.bin") == .alreadyCurrent)
        }
    }
}
