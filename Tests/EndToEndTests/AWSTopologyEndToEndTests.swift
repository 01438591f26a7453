import AWSClient
import Foundation
import Testing
import TandemTesting

/// The seed's AWS topologies applied by the built binary against moto: apply, plan again, destroy. moto deviates from
/// AWS in two places these examples touch (moto-5.2.md): GetBucketReplication reports DeleteMarkerReplication as
/// Disabled, and SQS ignores RedriveAllowPolicy. The second plan must show exactly those differences and nothing else.
@Suite(.serialized) struct AWSTopologyEndToEndTests {
    /// Resource addresses and the attribute paths they change in a `plan --json`.
    private func changedPaths(_ planJSON: String) throws -> [String: [String]] {
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(planJSON.utf8)) as? [String: Any])
        let changes = plan["resource_changes"] as? [[String: Any]] ?? []
        return changes.filter { $0["action"] as? String != "no-op" }.reduce(into: [:]) { result, change in
            let paths = (change["attribute_changes"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            result[change["address"] as? String ?? "?"] = paths
        }
    }

    private func dependencies(_ planJSON: String, of address: String) throws -> [String] {
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(planJSON.utf8)) as? [String: Any])
        let change = (plan["resource_changes"] as? [[String: Any]] ?? []).first { $0["address"] as? String == address }
        return change?["dependencies"] as? [String] ?? []
    }

    @Test func crossRegionReplication() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "aws-crr")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let plan = try await tandem.run(["plan", "--json"])
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            // Implicit ordering: the replication waits for the role's policy although it never refers to it.
            #expect(try dependencies(plan.stdout, of: "aws_s3_bucket_replication.source").contains("aws_iam_role_policy.replication"))
            let human = try await tandem.run(["plan"])
            #expect(human.stdout.contains(#"+ statement "WriteReplicas""#), "policies render per statement:\n\(human.stdout)")

            let apply = try await tandem.run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(apply.stdout.contains("Resources: 5 created"))
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            let replication = try #require(try await s3.getBucketReplication("rciis-data-af-south-1"))
            #expect(replication.role == "arn:aws:iam::123456789012:role/s3-replication-role")
            #expect(replication.rules.first?.destination.bucketARN == "arn:aws:s3:::rciis-data-eu-west-1")
            #expect(replication.rules.first?.destination.replicationTimeStatus == "Enabled")
            #expect(try await s3.getBucketLocation("rciis-data-eu-west-1") == "eu-west-1")

            let again = try await tandem.run(["plan", "--json"])
            #expect(try changedPaths(again.stdout) == ["aws_s3_bucket_replication.source": ["rule[0].delete_marker_replication"]],
                    "only moto's DeleteMarkerReplication deviation may differ")

            // A one-action edit of one statement shows as that statement's change, never as an escaped document.
            let path = tandem.directory + "/main.tandem.yaml"
            let edited = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "[s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags]",
                                      with: "[s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags, s3:ObjectOwnerOverrideToBucketOwner]")
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            let policyEdit = try await tandem.run(["plan"])
            #expect(policyEdit.stdout.contains("~ policy = policy document (1 changed statement(s))"), "\(policyEdit.stdout)")
            #expect(policyEdit.stdout.contains(#"~ statement "WriteReplicas""#))
            #expect(policyEdit.stdout.contains(#"Action = ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"] -> ["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"]"#))
            #expect(!policyEdit.stdout.contains(#"\""#), "no escaped JSON")

            let destroy = try await tandem.run(["destroy", "--auto-approve"])
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            #expect(destroy.stdout.contains("Destroy complete! Resources: 5 destroyed."))
            #expect(try await s3.bucketExists("rciis-data-af-south-1") == false)
            #expect(try await IAMClient(configuration: moto.configuration(), transport: moto.transport).getRole(name: "s3-replication-role") == nil)
        }
    }

    @Test func importAdoptsAnExistingBucketAndQueue() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            try await s3.createBucket("rciis-ceph-replica-af-south-1", locationConstraint: "af-south-1")
            let missing = try await tandem.run(["import", "aws_s3_bucket.nothere", "rciis-ceph-replica-af-south-1"])
            #expect(missing.exitCode == 1)
            #expect(missing.stderr.contains("aws_s3_bucket.nothere is not declared in the configuration"))
            let imported = try await tandem.run(["import", "aws_s3_bucket.replica", "rciis-ceph-replica-af-south-1"])
            #expect(imported.exitCode == 0, "\(imported.stderr)")
            #expect(try await tandem.run(["state", "list"]).stdout.contains("aws_s3_bucket.replica"))
            let twice = try await tandem.run(["import", "aws_s3_bucket.replica", "rciis-ceph-replica-af-south-1"])
            #expect(twice.exitCode == 1)
            let noQueue = try await tandem.run(["import", "aws_sqs_queue.dlq", "rciis-s3-replication-dlq"])
            #expect(noQueue.exitCode == 1)
            #expect(noQueue.stderr.contains("No aws_sqs_queue \"rciis-s3-replication-dlq\" exists"))
            // The imported bucket is updated to its configuration, not created.
            let plan = try await tandem.run(["plan"])
            #expect(plan.stdout.contains("aws_s3_bucket.replica will be updated in place"), "\(plan.stdout)")
            #expect(plan.stdout.contains("Plan: 2 to create, 1 to update"))
        }
    }

    @Test func replicationWithoutDeleteMarkerChoiceIsRejectedAtItsSource() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-e2e-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        resources:
          aws_s3_bucket_replication.r:
            bucket: src
            role: arn:aws:iam::123456789012:role/r
            rule:
              - id: all
                destination:
                  bucket: arn:aws:s3:::dst
        """.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let tandem = TandemBinary(directory: directory, environment: ["NO_COLOR": "1", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""])
        let validate = try await tandem.run(["validate"])
        #expect(validate.exitCode == 1)
        #expect(validate.stderr.contains("Missing required argument \"rule[0].delete_marker_replication\""), "\(validate.stderr)")
        #expect(validate.stderr.contains("main.tandem.yaml:6:"), "points at the rule: \(validate.stderr)")
    }
}
