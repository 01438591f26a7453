import AWSClient
import Foundation
import Testing
import TandemTesting

/// The aws provider aimed at a real radosgw (`rgw: true`): keys from the RGW_* variables, the public access block RGW
/// reports for every bucket is no perpetual diff, a block that would lock the owner out is refused while planning, and
/// a service error names the call that failed.
@Suite(.serialized) struct RGWCompatibilityEndToEndTests {
    @Test func awsProviderOnRGWPlansNoPhantomBlockAndRefusesALockout() async throws {
        let cluster = try await CephCluster.shared()
        let configuration = """
            providers:
              aws:
                rgw: true
            resources:
              aws_s3_bucket.onprem:
                bucket: rgw-compat-plain
                versioning: Enabled

            """
        let tandem = try TandemBinary.workspace(cluster, configuration: configuration)
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "keys and endpoint from RGW_*:\n\(apply.stdout)\n\(apply.stderr)")
        let replan = try await tandem.run(["plan", "--detailed-exitcode"])
        #expect(replan.exitCode == 0, "RGW's default four-false block is no change:\n\(replan.stdout)\n\(replan.stderr)")

        let lockout = configuration.replacingOccurrences(of: "    versioning: Enabled\n", with: """
                versioning: Enabled
                public_access_block:
                  block_public_acls: true
                  block_public_policy: true

            """)
        try lockout.write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let refused = try await tandem.run(["plan"])
        #expect(refused.exitCode == 1, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("radosgw refuses every PutObject on a bucket whose public access block sets BlockPublicAcls"), "\(refused.stderr)")
        #expect(refused.stderr.contains("main.tandem.yaml:9:"), "at the switch's line: \(refused.stderr)")
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        #expect(try await s3.getPublicAccessBlock("rgw-compat-plain")?.blockPublicAcls != true, "nothing was changed")

        #expect(try await tandem.run(["destroy", "--auto-approve"]).exitCode == 0)
        #expect(try await s3.bucketExists("rgw-compat-plain") == false)
    }

    @Test func aServiceErrorNamesTheCallThatFailed() async throws {
        let cluster = try await CephCluster.shared()
        let tandem = try TandemBinary.workspace(cluster, configuration: """
            providers:
              ceph: {}
            resources:
              ceph_bucket.locked:
                bucket: rgw-compat-policy
                force_destroy: true
                policy:
                  Version: "2012-10-17"
                  Statement:
                    - Effect: Allow
                      Principal: {AWS: ["arn:aws:iam:::user/someone"]}
                      Action: s3:Frobnicate
                      Resource: arn:aws:s3:::rgw-compat-policy/*

            """)
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 1)
        #expect(apply.stderr.contains("S3 PutBucketPolicy: InvalidArgument (400)"), "the failing call is named:\n\(apply.stderr)")
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        if try await s3.bucketExists("rgw-compat-policy") { try await s3.deleteBucket("rgw-compat-policy") }
    }
}
