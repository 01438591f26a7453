import AWSClient
import ChildProcess
import Foundation
import Testing
import TandemTesting

/// `tandem drift --data` with the built binary on moto: a replicator's target with an object deleted, one changed
/// and one added by hand is reported (missing, different, extra; a young missing object as pending within the grace
/// period; a sample; JSON, log lines and a textfile promtool accepts), `tandem replicator backfill` repairs what it
/// can, on moto and on radosgw; an S3 replication rule (which moto never carries out) shows its unreplicated objects. The rule's prefix mapping
/// is not exercised here: moto reads every rule back without its filter.
@Suite(.serialized) struct DataDriftEndToEndTests {
    private func stopIfReplicator(_ pid: Int32) {
        let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if commandLine.contains("replicator\u{0}run") { kill(pid, SIGKILL) }
    }

    /// The `--json` report's data results.
    private func data(_ run: TandemBinary.Run) throws -> [[String: Any]] {
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return report?["data"] as? [[String: Any]] ?? []
    }

    private func findings(_ run: TandemBinary.Run) throws -> [String: Any] {
        try data(run).first?["findings"] as? [String: Any] ?? [:]
    }

    @Test func aReplicatorsTargetIsComparedObjectByObjectAndBackfillRepairsIt() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "replicator-aws-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let variables = ["--var", "endpoint=\(moto.endpoint)", "--var", "listen=127.0.0.1:\(CephCluster.freePort())"]
            let apply = try await tandem.run(["apply", "--auto-approve"] + variables)
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            let runtime = tandem.directory + "/state/default.replicators/source-to-replica"
            let pid = try #require(Int32(try String(contentsOfFile: runtime + "/replicator.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            defer { stopIfReplicator(pid) }

            let s3 = S3Client(configuration: moto.configuration(region: "af-south-1"), transport: moto.transport)
            let keys = (0..<6).map { "data/k\($0).txt" }
            for key in keys { try await s3.putObject(bucket: "tandem-demo-source", key: key, body: Array("contents of \(key)".utf8), contentType: nil) }
            var replicated = 0
            for _ in 0..<300 where replicated < keys.count {
                try await Task.sleep(for: .milliseconds(100))
                replicated = try await s3.listObjectKeys(bucket: "tandem-demo-replica").count
            }
            #expect(replicated == keys.count, "the replicator copied the objects")
            let clean = try await tandem.run(["drift", "--data", "--grace", "0s", "--json"] + variables)
            #expect(clean.exitCode == 0, "\(clean.stdout)\n\(clean.stderr)")
            #expect(try findings(clean)["checked"] as? Int == 6 && findings(clean)["missing"] as? Int == 0)

            // By hand on the target: one deleted, one overwritten, one added.
            try await s3.deleteObject(bucket: "tandem-demo-replica", key: "data/k3.txt")
            try await s3.putObject(bucket: "tandem-demo-replica", key: "data/k1.txt", body: Array("edited on the replica".utf8), contentType: nil)
            try await s3.putObject(bucket: "tandem-demo-replica", key: "stray.txt", body: Array("x".utf8), contentType: nil)

            let young = try await tandem.run(["drift", "--data", "--json"] + variables)
            #expect(young.exitCode == 2, "\(young.stdout)\n\(young.stderr)")
            let youngFindings = try findings(young)
            #expect(youngFindings["missing"] as? Int == 0 && youngFindings["different"] as? Int == 0 && youngFindings["pending"] as? Int == 2,
                    "within the default 5-minute grace the deleted and the edited replica are pending: \(young.stdout)")

            let textfile = tandem.directory + "/drift.prom"
            let drift = try await tandem.run(["drift", "--data", "--grace", "0s", "--json", "--prometheus", textfile] + variables)
            #expect(drift.exitCode == 2, "\(drift.stdout)\n\(drift.stderr)")
            let found = try findings(drift)
            #expect(found["missing"] as? Int == 1 && found["missing_keys"] as? [String] == ["data/k3.txt"], "\(found)")
            #expect(found["different"] as? Int == 1 && found["different_keys"] as? [String] == ["data/k1.txt"], "\(found)")
            #expect(found["extra"] as? Int == 1 && found["extra_keys"] as? [String] == ["stray.txt"], "\(found)")
            #expect(try data(drift).first?["address"] as? String == "tandem_replicator.source_to_replica")
            #expect(!drift.stdout.contains(try #require(try tandem.stateAttribute("aws_iam_access_key.replicator", "secret"))), "no secret in the report")
            let metrics = try String(contentsOfFile: textfile, encoding: .utf8)
            #expect(metrics.contains(#"tandem_drift_data_objects{stack="\#(URL(fileURLWithPath: tandem.directory).lastPathComponent)",workspace="default",resource="tandem_replicator.source_to_replica",replication="pipeline source-to-replica",kind="missing"} 1"#),
                    "\(metrics)")
            #expect(metrics.contains(#"replication="pipeline source-to-replica"} 0"#), "in_sync 0: \(metrics)")
            let promtool = try await DriftJobEndToEndTests.promtool()
            let lint = try await ChildProcess.run(["/bin/sh", "-c", "\"$0\" check metrics < \"$1\"", promtool, textfile], environment: ["PATH": "/usr/bin:/bin"],
                                                  timeout: .seconds(60))
            #expect(lint.status == 0, "promtool check metrics: \(String(decoding: lint.standardOutput, as: UTF8.self))\(lint.standardError)")

            let logged = try await tandem.run(["drift", "--data", "--grace", "0s", "--log-lines"] + variables)
            #expect(logged.stdout.contains(#"drift-data stack="#) && logged.stdout.contains("checked=6 missing=1 extra=1 different=1 pending=0"), "\(logged.stdout)")
            let sampled = try await tandem.run(["drift", "--data", "--grace", "0s", "--sample", "3", "--json"] + variables)
            #expect(try findings(sampled)["sampled"] as? Bool == true && findings(sampled)["checked"] as? Int == 3 && findings(sampled)["extra"] as? Int == 0,
                    "\(sampled.stdout)")
            let human = try await tandem.run(["drift", "--data", "--grace", "0s"] + variables)
            #expect(human.stdout.contains("checked 6, 1 missing, 1 extra, 1 different") && human.stdout.contains("missing: data/k3.txt"), "\(human.stdout)")

            // Backfill copies what is missing or different; the stray object is the target's own and stays.
            let backfill = try await tandem.run(["replicator", "backfill", "--config", runtime + "/replicator.json"])
            #expect(backfill.exitCode == 0, "\(backfill.stdout)\n\(backfill.stderr)")
            let repaired = try await tandem.run(["drift", "--data", "--grace", "0s", "--checksum", "--json"] + variables)
            let after = try findings(repaired)
            #expect(after["missing"] as? Int == 0 && after["different"] as? Int == 0 && after["extra"] as? Int == 1, "\(repaired.stdout)\n\(repaired.stderr)")
            try await s3.deleteObject(bucket: "tandem-demo-replica", key: "stray.txt")
            let synced = try await tandem.run(["drift", "--data", "--grace", "0s", "--checksum"] + variables)
            #expect(synced.exitCode == 0, "\(synced.stdout)\n\(synced.stderr)")

            let destroy = try await tandem.run(["destroy", "--auto-approve"] + variables)
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        }
    }

    @Test func anS3ReplicationRuleShowsTheObjectsItHasNotReplicated() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            var tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            // A CA bundle in the environment is added to the trust of the comparison's clients too (and is a path,
            // not the trust's description).
            let authority = try await TestCertificateAuthority.make()
            defer { try? FileManager.default.removeItem(atPath: authority.directory) }
            tandem.environment["AWS_CA_BUNDLE"] = authority.caCertificatePath
            try """
                providers:
                  aws: {region: eu-west-1}
                resources:
                  aws_s3_bucket.source: {bucket: rule-source, versioning: Enabled, force_destroy: true}
                  aws_s3_bucket.destination: {bucket: rule-destination, versioning: Enabled, force_destroy: true}
                  aws_iam_role.replication:
                    name: rule-replication
                    assume_role_policy:
                      Version: "2012-10-17"
                      Statement: [{Effect: Allow, Principal: {Service: s3.amazonaws.com}, Action: "sts:AssumeRole"}]
                  aws_s3_bucket_replication.source:
                    bucket: ${aws_s3_bucket.source.bucket}
                    role: ${aws_iam_role.replication.arn}
                    rule:
                      # moto 5.2 reads every rule back with no prefix and delete markers Disabled: written so here.
                      - id: docs
                        priority: 1
                        delete_marker_replication: Disabled
                        destination: {bucket: "${aws_s3_bucket.destination.arn}"}
                """.write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            let apply = try await tandem.run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            let quiet = try await tandem.run(["plan", "--detailed-exitcode"])
            #expect(quiet.exitCode == 0, "the rule reads back as written: \(quiet.stdout)")
            let s3 = S3Client(configuration: moto.configuration(region: "eu-west-1"), transport: moto.transport)
            for key in ["docs/a.md", "docs/b.md", "other/c.md"] {
                try await s3.putObject(bucket: "rule-source", key: key, body: Array(key.utf8), contentType: nil)
            }
            // moto stores the rule but replicates nothing: every object is missing.
            let drift = try await tandem.run(["drift", "--data", "--grace", "0s", "--json"])
            #expect(drift.exitCode == 2, "\(drift.stdout)\n\(drift.stderr)")
            let result = try #require(try data(drift).first)
            #expect(result["replication"] as? String == "rule docs" && result["target"] as? String == "s3://rule-destination/")
            let found = result["findings"] as? [String: Any] ?? [:]
            #expect(found["checked"] as? Int == 3 && found["missing_keys"] as? [String] == ["docs/a.md", "docs/b.md", "other/c.md"], "\(found)")
            for key in ["docs/a.md", "docs/b.md", "other/c.md"] {
                try await s3.putObject(bucket: "rule-destination", key: key, body: Array(key.utf8), contentType: nil)
            }
            let synced = try await tandem.run(["drift", "--data", "--grace", "0s"])
            #expect(synced.exitCode == 0, "\(synced.stdout)\n\(synced.stderr)")
            #expect(synced.stdout.contains("rule docs: s3://rule-source/ -> s3://rule-destination/: checked 3, 0 missing, 0 extra, 0 different"), "\(synced.stdout)")
        }
    }

    @Test func onRadosgwAHandDeletedReplicaIsReportedThenBackfilled() async throws {
        let cluster = try await CephCluster.shared()
        var tandem = try TandemBinary.workspace(cluster, example: "replicator-rgw-push")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let run = UUID().uuidString.prefix(8).lowercased()
        let credentials = try #require(cluster.adminCredentials)
        let endpoint = try #require(cluster.endpoint)
        tandem.environment["TANDEM_VAR_secret_key"] = credentials.secretAccessKey
        // No notification: the objects reach the replica only through backfill, so the test decides when.
        try """
            variables:
              secret_key: {sensitive: true}
            providers:
              ceph: {}
              tandem: {}
            resources:
              ceph_bucket.source: {bucket: dd-source-\(run), force_destroy: true}
              ceph_bucket.replica: {bucket: dd-replica-\(run), force_destroy: true}
              tandem_replicator.copy:
                name: dd-\(run)
                listen: 127.0.0.1:\(CephCluster.freePort())
                source: {endpoint: "\(endpoint)", bucket: "${ceph_bucket.source.bucket}", access_key: \(credentials.accessKeyID), secret_key: "${var.secret_key}"}
                target: {endpoint: "\(endpoint)", bucket: "${ceph_bucket.replica.bucket}", access_key: \(credentials.accessKeyID), secret_key: "${var.secret_key}"}
                events: {http: {}}
            """.write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        let runtime = tandem.directory + "/state/default.replicators/dd-\(run)"
        if let pid = Int32((try? String(contentsOfFile: runtime + "/replicator.pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            defer { stopIfReplicator(pid) }
            let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
            for index in 0..<4 { try await s3.putObject(bucket: "dd-source-\(run)", key: "k\(index)", body: Array("object \(index)".utf8), contentType: nil) }
            let behind = try await tandem.run(["drift", "--data", "--grace", "0s", "--json"])
            let behindFindings = try findings(behind)
            #expect(behind.exitCode == 2 && behindFindings["missing"] as? Int == 4, "\(behind.stdout)\n\(behind.stderr)")
            let backfill = try await tandem.run(["replicator", "backfill", "--config", runtime + "/replicator.json"])
            #expect(backfill.exitCode == 0, "\(backfill.stdout)\n\(backfill.stderr)")
            let synced = try await tandem.run(["drift", "--data", "--grace", "0s"])
            #expect(synced.exitCode == 0, "\(synced.stdout)\n\(synced.stderr)")

            try await s3.deleteObject(bucket: "dd-replica-\(run)", key: "k2")
            let deleted = try await tandem.run(["drift", "--data", "--grace", "0s", "--json"])
            let deletedFindings = try findings(deleted)
            #expect(deleted.exitCode == 2 && deletedFindings["missing_keys"] as? [String] == ["k2"], "\(deleted.stdout)\n\(deleted.stderr)")
            _ = try await tandem.run(["replicator", "backfill", "--config", runtime + "/replicator.json"])
            let repaired = try await tandem.run(["drift", "--data", "--grace", "0s", "--checksum"])
            #expect(repaired.exitCode == 0, "\(repaired.stdout)\n\(repaired.stderr)")
        } else {
            Issue.record("no replicator was started: \(apply.stdout)")
        }
        let destroy = try await tandem.run(["destroy", "--auto-approve"])
        #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
    }
}
