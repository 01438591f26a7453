import AWSClient
import Foundation

/// The two S3 servers the tests run on: moto, or the shared radosgw.
public enum S3TestServer {
    /// Runs `body` with a client of a fresh moto (`"moto"`) or of the shared radosgw (`"radosgw"`) and two new buckets,
    /// `BASE-source` and `BASE-target` (with a per-run suffix on radosgw, whose buckets outlive the test).
    public static func withBuckets(on server: String, _ base: String,
                                   _ body: @Sendable (S3Client, _ source: String, _ target: String) async throws -> Void) async throws {
        if server == "moto" {
            let moto = try await MotoServer.shared()
            try await moto.withFreshState {
                let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
                try await s3.createBucket("\(base)-source", locationConstraint: nil)
                try await s3.createBucket("\(base)-target", locationConstraint: nil)
                try await body(s3, "\(base)-source", "\(base)-target")
            }
        } else {
            let cluster = try await CephCluster.shared()
            let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
            let run = UUID().uuidString.prefix(8).lowercased()
            try await s3.createBucket("\(base)-source-\(run)", locationConstraint: nil)
            try await s3.createBucket("\(base)-target-\(run)", locationConstraint: nil)
            try await body(s3, "\(base)-source-\(run)", "\(base)-target-\(run)")
        }
    }
}
