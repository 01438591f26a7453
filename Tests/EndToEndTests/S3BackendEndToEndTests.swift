import AWSClient
import Foundation
import TandemCore
import TandemTesting
import Testing

/// `backend: {s3: ...}` with the built binary on moto: two directories (a workstation and a CI job) share one state,
/// a held lock refuses the other with its holder and `force-unlock` removes it, a SIGKILLed apply leaves a state (and
/// its lock) that the next apply continues from, a local state is migrated with `init --migrate-state`, and `state
/// push` refuses an older serial.
@Suite(.serialized) struct S3BackendEndToEndTests {
    private static func configuration(_ moto: MotoServer, key: String = "prod/tandem.json", backend: Bool = true, queues: Int = 2) -> String {
        """
        \(backend ? "backend: {s3: {bucket: tandem-state, key: \(key), endpoint: \"\(moto.endpoint)\", region: us-east-1}}" : "")
        providers:
          aws: {region: us-east-1, endpoint: "\(moto.endpoint)"}
        variables:
          names: {type: list, default: [\((0..<queues).map { "q\($0)" }.joined(separator: ", "))]}
        resources:
          aws_sqs_queue.events:
            for_each: ${toset(var.names)}
            name: events-${each.key}
        """
    }

    private func workspace(_ text: String) throws -> TandemBinary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-s3-backend-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        return TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1",
                                                                 "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
    }

    @Test func twoDirectoriesShareOneStateAndOneLock() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("tandem-state", locationConstraint: nil)
            let workstation = try workspace(Self.configuration(moto))
            let job = try workspace(Self.configuration(moto))
            defer { for directory in [workstation.directory, job.directory] { try? FileManager.default.removeItem(atPath: directory) } }

            let apply = try await workstation.run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(!FileManager.default.fileExists(atPath: workstation.directory + "/state"), "no local state file")
            let stored = try #require(try await s3.headObject(bucket: "tandem-state", key: "prod/tandem.json"))
            #expect(stored.serverSideEncryption == "AES256", "the state is encrypted at rest")
            #expect(try await s3.headObject(bucket: "tandem-state", key: "prod/tandem.json.lock") == nil, "the lock is gone after the apply")
            #expect(try await s3.listObjectKeys(bucket: "tandem-state") == ["prod/tandem.json"], "nothing else is left in the bucket (lock, probe)")
            let plan = try await job.run(["plan", "--detailed-exitcode"])
            #expect(plan.exitCode == 0, "the job sees what the workstation applied: \(plan.stdout)\n\(plan.stderr)")
            #expect(try await job.run(["state", "list"]).stdout == "aws_sqs_queue.events[\"q0\"]\naws_sqs_queue.events[\"q1\"]\n")

            // Someone else holds the lock: the job is refused with the holder, and force-unlock by its id frees it.
            let holder = #"{"created":"2026-12-06T10:00:00Z","host":"ws1","id":"held-by-ws1","operation":"apply","pid":4242,"who":"alice@ws1"}"#
            _ = try await s3.putObject(bucket: "tandem-state", key: "prod/tandem.json.lock", body: Array(holder.utf8), headers: [])
            let refused = try await job.run(["apply", "--auto-approve"])
            #expect(refused.exitCode == 1 && refused.stderr.contains("State is locked: s3://tandem-state/prod/tandem.json.lock")
                    && refused.stderr.contains("alice@ws1") && refused.stderr.contains("tandem force-unlock held-by-ws1"), "\(refused.stderr)")
            #expect(try await job.run(["force-unlock", "held-by-ws1"]).exitCode == 0)
            #expect(try await job.run(["apply", "--auto-approve"]).exitCode == 0)

            // state push: an older serial is refused; the current one goes.
            let pulled = try await job.run(["state", "pull"])
            var older = try #require(try JSONSerialization.jsonObject(with: Data(pulled.stdout.utf8)) as? [String: Any])
            let serial = try #require(older["serial"] as? Int)
            older["serial"] = serial - 1
            try JSONSerialization.data(withJSONObject: older).write(to: URL(fileURLWithPath: job.directory + "/older.json"))
            let push = try await job.run(["state", "push", "older.json"])
            #expect(push.exitCode == 1 && push.stderr.contains("is older than s3://tandem-state/prod/tandem.json (serial \(serial))"), "\(push.stderr)")
            try Data(pulled.stdout.utf8).write(to: URL(fileURLWithPath: job.directory + "/current.json"))
            #expect(try await job.run(["state", "push", "current.json"]).exitCode == 0)
        }
    }

    @Test func aKilledApplyIsContinuedOnceItsLockIsRemoved() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("tandem-state", locationConstraint: nil)
            let tandem = try workspace(Self.configuration(moto, queues: 30))
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let killed = try await tandem.interrupt(["apply", "--auto-approve"], whenOutputContains: "Created after", signal: SIGKILL)
            #expect(killed.exitCode != 0)
            let locked = try await tandem.run(["apply", "--auto-approve"])
            #expect(locked.exitCode == 1 && locked.stderr.contains("State is locked"), "the killed apply's lock stays: \(locked.stderr)")
            let lockID = try #require(locked.stderr.split(separator: "\n").first { $0.contains("ID:") }?.split(separator: " ").last.map(String.init))
            #expect(try await tandem.run(["force-unlock", lockID]).exitCode == 0)
            let resumed = try await tandem.run(["apply", "--auto-approve"])
            #expect(resumed.exitCode == 0 && !resumed.stderr.contains("already exists"), "\(resumed.stdout)\n\(resumed.stderr)")
            let sqs = SQSClient(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            var found = 0
            for index in 0..<30 where try await sqs.queueURL(name: "events-q\(index)") != nil { found += 1 }
            #expect(found == 30)
            #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "nothing forgotten, nothing doubled")
        }
    }

    @Test func aLocalStateIsMigratedToTheBucket() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("tandem-state", locationConstraint: nil)
            let tandem = try workspace(Self.configuration(moto, backend: false))
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            #expect(try await tandem.run(["apply", "--auto-approve"]).exitCode == 0)
            try Self.configuration(moto, key: "migrated/tandem.json").write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            let hint = try await tandem.run(["init"])
            #expect(hint.exitCode == 0 && hint.stdout.contains("run tandem init --migrate-state to move it to s3://tandem-state/migrated/tandem.json"), "\(hint.stdout)")
            let unanswered = try await tandem.run(["init", "--migrate-state"])
            #expect(unanswered.exitCode == 1 && unanswered.stdout.contains("No answer"), "asks first: \(unanswered.stdout)\n\(unanswered.stderr)")
            #expect(try await s3.headObject(bucket: "tandem-state", key: "migrated/tandem.json") == nil, "nothing was copied without a yes")
            let migrate = try await tandem.run(["init", "--migrate-state"], input: "yes\n")
            #expect(migrate.exitCode == 0 && migrate.stdout.contains("Migrated 2 resources"), "\(migrate.stdout)\n\(migrate.stderr)")
            #expect(FileManager.default.fileExists(atPath: tandem.directory + "/state/default.json.migrated"))
            #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "the bucket's state is the one that was local")
        }
    }

    /// On radosgw (Debian's, without a key management service) the backend works; whether the endpoint encrypts or
    /// not, the user knows: the object says AES256, or the command warns that the state is stored unencrypted.
    @Test func onRadosgwTheBackendWorksAndSaysWhetherItEncrypts() async throws {
        let cluster = try await CephCluster.shared()
        let credentials = try #require(cluster.adminCredentials, "the shared Ceph cluster has a gateway")
        let endpoint = try #require(cluster.endpoint)
        let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        let bucket = "tandem-state-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket, locationConstraint: nil)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-s3-rgw-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "backend: {s3: {bucket: \(bucket), key: tandem.json, endpoint: \"\(endpoint)\"}}\nresources: {}\n"
            .write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1",
                                                                      "AWS_ACCESS_KEY_ID": credentials.accessKeyID,
                                                                      "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey])
        let initialised = try await tandem.run(["init"])
        #expect(initialised.exitCode == 0 && initialised.stdout.contains("State: s3://\(bucket)/tandem.json"), "\(initialised.stdout)\n\(initialised.stderr)")
        try #"{"format_version": 1, "lineage": "rgw-lineage", "serial": 1, "resources": [], "outputs": {}, "applied_plans": [], "deposed": [], "pending_creates": []}"#
            .write(toFile: directory + "/state.json", atomically: true, encoding: .utf8)
        let pushed = try await tandem.run(["state", "push", "state.json"])
        #expect(pushed.exitCode == 0, "\(pushed.stdout)\n\(pushed.stderr)")
        let head = try #require(try await s3.headObject(bucket: bucket, key: "tandem.json"))
        let warned = pushed.stderr.contains("does not offer server-side encryption") && initialised.stderr.contains("does not offer server-side encryption")
        #expect(head.serverSideEncryption == "AES256" || warned, "encrypted, or said not to be: \(pushed.stderr)")
        #expect(try await tandem.run(["state", "pull"]).stdout.contains("rgw-lineage"))
    }
}
