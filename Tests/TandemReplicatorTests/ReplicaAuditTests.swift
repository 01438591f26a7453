import AWSClient
import Foundation
import Testing
import TandemReplicator
import TandemTesting

/// `ReplicaAudit` on moto and radosgw: keys mapped from the source prefix to the target prefix, small pages (the merge crosses
/// page boundaries), missing / extra / different, pending within the grace period, sampling, and checksums.
@Suite(.serialized) struct ReplicaAuditTests {
    @Test(arguments: ["moto", "radosgw"]) func theMergeMapsPrefixesAndFindsMissingExtraAndDifferentObjects(server: String) async throws {
        try await S3TestServer.withBuckets(on: server, "audit") { s3, sourceBucket, targetBucket in
            func put(_ bucket: String, _ key: String, _ text: String) async throws {
                try await s3.putObject(bucket: bucket == "source" ? sourceBucket : targetBucket, key: key, body: Array(text.utf8), contentType: nil)
            }
            for index in 0..<7 { try await put("source", "in/k\(index)", "object \(index)") }
            try await put("source", "outside/z", "not replicated")
            for index in [0, 1, 2, 4, 6] { try await put("target", "out/in/k\(index)", "object \(index)") }
            try await put("target", "out/in/k4", "object 4, edited")       // different size
            try await put("target", "out/in/k6", "object X")              // same size, different content
            try await put("target", "out/in/k9", "only here")              // extra
            try await put("target", "elsewhere/k1", "outside the target prefix")

            let source = ReplicaAudit.Side(client: s3, bucket: sourceBucket, prefix: "in/")
            let target = ReplicaAudit.Side(client: s3, bucket: targetBucket, prefix: "out/in/")
            let findings = try await ReplicaAudit(source: source, target: target, grace: .zero, pageSize: 2).run()
            #expect(findings.checked == 7)
            #expect(findings.missingKeys == ["in/k3", "in/k5"] && findings.missing == 2)
            #expect(findings.differentKeys == ["in/k4", "in/k6"] && findings.different == 2)
            #expect(findings.extraKeys == ["out/in/k9"] && findings.extra == 1)
            #expect(!findings.inSync)

            let young = try await ReplicaAudit(source: source, target: target, grace: .seconds(600)).run()
            #expect(young.missing == 0 && young.different == 0 && young.pending == 4, "just written: pending, not missing or different")

            // Digests are read three objects at a time; verdicts are still told in key order.
            let told = ToldVerdicts()
            let checksummed = try await ReplicaAudit(source: source, target: target, grace: .zero, checksum: true, pageSize: 2, checkers: 3)
                .run { verdict, key in told.append("\(verdict) \(key)") }
            #expect(checksummed.differentKeys == ["in/k4", "in/k6"] && checksummed.different == 2 && checksummed.missing == 2)
            #expect(told.lines == ["identical k0", "identical k1", "identical k2", "missing k3", "different k4", "missing k5", "different k6", "extra k9"])

            let sampled = try await ReplicaAudit(source: source, target: target, grace: .zero, sample: 7).run()
            #expect(sampled.sampled && sampled.checked == 7 && sampled.missing == 2 && sampled.different == 2 && sampled.extra == 0)
            let few = try await ReplicaAudit(source: source, target: target, grace: .zero, sample: 3).run()
            #expect(few.checked == 3)
        }
    }
}

/// Verdicts told by an audit, in the order told.
private final class ToldVerdicts: @unchecked Sendable {
    private let lock = NSLock()
    private var told: [String] = []

    func append(_ line: String) { lock.withLock { told.append(line) } }

    var lines: [String] { lock.withLock { told } }
}
