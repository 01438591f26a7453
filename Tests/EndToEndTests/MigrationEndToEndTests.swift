import AWSClient
import Foundation
import Testing
import TandemTesting

/// `examples/minio-to-rgw`: seed 002's migration of every chosen bucket as three applies of one stack, moto playing
/// MinIO (not packaged here) and the real radosgw the target; the migration user is a real `ceph_user`.
@Suite(.serialized) struct MigrationEndToEndTests {
    @Test func theExampleMigratesEveryChosenBucketInThreePhasesAndDriftShowsWhatDivergedSince() async throws {
        let moto = try await MotoServer.shared()
        let cluster = try await CephCluster.shared()
        try await moto.withFreshState {
            let run = UUID().uuidString.prefix(6).lowercased()
            let source = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            for name in ["mig-a", "mig-b", "keep-c"] {
                try await source.createBucket("\(name)-\(run)", locationConstraint: nil)
                for index in 0..<2 {
                    try await source.putObject(bucket: "\(name)-\(run)", key: "dir/\(index).txt", body: Array("\(name) \(index)".utf8), contentType: "text/plain")
                }
            }
            try await source.putBucketTagging("mig-a-\(run)", ["team": "storage"])

            var tandem = try TandemBinary.workspace(cluster, example: "minio-to-rgw")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let sourceSecret = "minio-secret-\(run)-never-shown"  // moto takes any secret
            tandem.environment["TANDEM_VAR_source_endpoint"] = moto.endpoint
            tandem.environment["TANDEM_VAR_source_access_key"] = "testing"
            tandem.environment["TANDEM_VAR_source_secret_key"] = sourceSecret
            tandem.environment["TANDEM_VAR_target_endpoint"] = cluster.endpoint
            tandem.environment["TANDEM_VAR_buckets"] = "[\"mig-*-\(run)\"]"
            // The user id must be new on this shared cluster.
            let configuration = try String(contentsOfFile: tandem.directory + "/main.tandem.yaml", encoding: .utf8)
            try configuration.replacingOccurrences(of: "uid: volsync-migration-user", with: "uid: migration-\(run)")
                .write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)

            func lastRun() async throws -> [String: Any] {
                let output = try await tandem.run(["output", "--json", "last_run"])
                return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
            }

            let full = try await tandem.run(["apply", "--auto-approve"])
            #expect(full.exitCode == 0, "\(full.stdout)\n\(full.stderr)")
            #expect(full.stdout.contains("Apply runs the full sync from every bucket of \(moto.endpoint)"), "\(full.stdout)")
            #expect(!(full.stdout + full.stderr).contains(sourceSecret))
            var record = try await lastRun()
            #expect(record["phase"] as? String == "full" && record["buckets"] as? Double == 2 && record["copied"] as? Double == 4, "\(record)")

            // The target's buckets belong to the migration user, with the source's tags; keep-c was not chosen.
            let keys = AWSCredentials(accessKeyID: try #require(try tandem.stateAttribute("ceph_user.migration", "access_key")),
                                      secretAccessKey: try #require(try tandem.stateAttribute("ceph_user.migration", "secret_key")))
            let target = S3Client(configuration: cluster.configuration(credentials: keys), transport: cluster.transport)
            #expect(try await target.getBucketTagging("mig-a-\(run)") == ["team": "storage"])
            #expect(try await target.listObjectKeys(bucket: "mig-b-\(run)") == ["dir/0.txt", "dir/1.txt"])
            #expect(try await !target.bucketExists("keep-c-\(run)"))

            let quiet = try await tandem.run(["plan", "--detailed-exitcode"])
            #expect(quiet.exitCode == 0, "a recorded run plans nothing: \(quiet.stdout)\n\(quiet.stderr)")

            // Online: new writes, then an incremental run copies only them.
            try await source.putObject(bucket: "mig-a-\(run)", key: "dir/new.txt", body: Array("written during the migration".utf8), contentType: nil)
            let incremental = try await tandem.run(["apply", "--auto-approve", "--var", "phase=incremental", "--var", "run_id=2"])
            #expect(incremental.exitCode == 0, "\(incremental.stdout)\n\(incremental.stderr)")
            record = try await lastRun()
            #expect(record["phase"] as? String == "incremental" && record["copied"] as? Double == 1 && record["already_current"] as? Double == 4, "\(record)")

            // Afterwards, drift --data compares every migrated bucket: a replica deleted by hand shows.
            let inSync = try await tandem.run(["drift", "--data", "--grace", "0s", "--var", "phase=incremental", "--var", "run_id=2"])
            #expect(inSync.exitCode == 0, "\(inSync.stdout)\n\(inSync.stderr)")
            try await target.deleteObject(bucket: "mig-b-\(run)", key: "dir/1.txt")
            let drifted = try await tandem.run(["drift", "--data", "--grace", "0s", "--var", "phase=incremental", "--var", "run_id=2"])
            #expect(drifted.exitCode == 2 && drifted.stdout.contains("dir/1.txt"), "\(drifted.stdout)\n\(drifted.stderr)")

            // Cutover with writes stopped: copies what is missing, then verifies every object by checksum.
            let cutover = try await tandem.run(["apply", "--auto-approve", "--var", "phase=cutover", "--var", "run_id=3"])
            #expect(cutover.exitCode == 0, "\(cutover.stdout)\n\(cutover.stderr)")
            record = try await lastRun()
            #expect(record["phase"] as? String == "cutover" && record["copied"] as? Double == 1 && record["verified"] as? Double == 5, "\(record)")

            // A cutover with a writer still running fails the apply and keeps the last record.
            let writer = Task {
                var index = 0
                while !Task.isCancelled {
                    try await source.putObject(bucket: "mig-a-\(run)", key: "busy/\(index)", body: [0x61], contentType: nil)
                    index += 1
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let busy = try await tandem.run(["apply", "--auto-approve", "--var", "phase=cutover", "--var", "run_id=4"])
            writer.cancel()
            _ = try? await writer.value
            #expect(busy.exitCode == 1 && (busy.stdout + busy.stderr).contains("The source is still changing"), "\(busy.stdout)\n\(busy.stderr)")
            #expect(try await lastRun()["verified"] as? Double == 5)

            // The migration user owns the migrated buckets: only the migration's record is destroyed here.
            let destroy = try await tandem.run(["destroy", "--auto-approve", "--target", "tandem_migration.minio_to_rgw", "--var", "phase=cutover", "--var", "run_id=4"])
            #expect(destroy.exitCode == 0 && destroy.stdout.contains("the copied objects stay"), "\(destroy.stdout)\n\(destroy.stderr)")
        }
    }

    /// Settings that cannot work are refused while planning, at their place in the file, before anything runs.
    @Test func impossibleSettingsAreRefusedAtTheirPlace() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-migration-checks-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        providers:
          tandem: {}
        resources:
          tandem_migration.broken:
            source: {endpoint: "http://127.0.0.1:9", bucket: one, access_key: K, secret_key: S}
            target: {endpoint: "http://127.0.0.1:9", access_key: K, secret_key: S}
            include: ["app-*"]
            transfers: 0
            runtime: kubernetes
        """.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"])
        let plan = try await tandem.run(["plan"])
        let errors = plan.stdout + plan.stderr
        #expect(plan.exitCode == 1, "\(errors)")
        for message in ["name a bucket on both sides, or on neither", "include chooses buckets of a whole-store migration",
                        "transfers must be a whole number of at least 1, not 0", "runtime kubernetes needs a kubernetes block",
                        "runtime kubernetes needs a name"] {
            #expect(errors.contains(message), "\(message): \(errors)")
        }
        #expect(errors.contains("main.tandem.yaml:8:"), "the transfers line is named: \(errors)")
    }
}
