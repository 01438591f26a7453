import AWSClient
import Foundation
import Testing
import TandemTesting

/// The built `tandem` binary against moto on 127.0.0.1: the whole user journey of the foundation issue.
@Suite(.serialized) struct EndToEndTests {
    @Test func planApplyDriftFixDestroy() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            let sqs = SQSClient(configuration: moto.configuration(), transport: moto.transport)

            let firstPlan = try await tandem.run(["plan", "--detailed-exitcode"])
            #expect(firstPlan.exitCode == 2, "\(firstPlan.stderr)")
            #expect(firstPlan.stdout.contains("Plan: 3 to create, 0 to update, 0 to replace, 0 to delete."))
            #expect(firstPlan.stdout.contains("redrive_policy.dead_letter_target_arn = (known after apply)"))
            #expect(firstPlan.stdout.range(of: #"\+ region +=  ?"af-south-1""#, options: .regularExpression) != nil)

            let apply = try await tandem.run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(apply.stdout.contains("Resources: 3 created"))
            #expect(apply.stdout.contains("events_queue_url = \"\(moto.endpoint)/123456789012/rciis-s3-replication-events\""))
            #expect(try await s3.getBucketVersioning("rciis-ceph-replica-af-south-1") == "Enabled")
            #expect(try await sqs.queueURL(name: "rciis-s3-replication-dlq") != nil)
            let statePath = tandem.directory + "/state/default.json"
            let mode = (try FileManager.default.attributesOfItem(atPath: statePath)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
            let directoryMode = (try FileManager.default.attributesOfItem(atPath: tandem.directory + "/state")[.posixPermissions] as? NSNumber)?.intValue
            #expect(directoryMode == 0o700, "the state directory holds secrets: only its owner may list it")

            let quiet = try await tandem.run(["plan", "--detailed-exitcode"])
            #expect(quiet.exitCode == 0, "\(quiet.stdout)\n\(quiet.stderr)")
            #expect(quiet.stdout.contains("No changes."))

            // Someone suspends versioning by hand.
            try await s3.putBucketVersioning("rciis-ceph-replica-af-south-1", status: "Suspended")
            let drift = try await tandem.run(["drift"])
            #expect(drift.exitCode == 2, "\(drift.stdout)\n\(drift.stderr)")
            #expect(drift.stdout.contains("aws_s3_bucket.replica was changed outside Tandem"))
            #expect(drift.stdout.contains(#"versioning = "Enabled" -> "Suspended""#))
            let driftJSON = try await tandem.run(["drift", "--json"])
            #expect(driftJSON.exitCode == 2)
            let report = try JSONSerialization.jsonObject(with: Data(driftJSON.stdout.utf8)) as? [String: Any]
            #expect(report?["drifted"] as? Bool == true)
            let driftMarkdown = try await tandem.run(["drift", "--markdown"])
            #expect(driftMarkdown.exitCode == 2)
            #expect(driftMarkdown.stdout.contains("**Drift detected:** 1 resource(s) changed outside Tandem"))
            #expect(driftMarkdown.stdout.contains(#"| `aws_s3_bucket.replica` | `versioning` | `"Enabled"` | `"Suspended"` |"#))

            let fix = try await tandem.run(["apply", "--auto-approve"])
            #expect(fix.exitCode == 0, "\(fix.stderr)")
            #expect(fix.stdout.contains("1 updated"))
            #expect(try await s3.getBucketVersioning("rciis-ceph-replica-af-south-1") == "Enabled")
            #expect(try await tandem.run(["drift"]).exitCode == 0)

            let destroy = try await tandem.run(["destroy", "--auto-approve"])
            #expect(destroy.exitCode == 0, "\(destroy.stderr)")
            #expect(destroy.stdout.contains("Destroy complete! Resources: 3 destroyed."), "\(destroy.stdout)")
            #expect(!destroy.stdout.contains("Apply complete!"))
            #expect(try await s3.bucketExists("rciis-ceph-replica-af-south-1") == false)
            #expect(try await sqs.queueURL(name: "rciis-s3-replication-events") == nil)
            #expect(try await sqs.queueURL(name: "rciis-s3-replication-dlq") == nil)
            #expect(try await tandem.run(["state", "list"]).stdout.isEmpty)
        }
    }

    @Test func savedPlanIsAppliedExactlyOnce() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            #expect(try await tandem.run(["plan", "--out", "first.plan"]).exitCode == 0)
            #expect(try await tandem.run(["plan", "--out", "second.plan"]).exitCode == 0)
            let mode = (try FileManager.default.attributesOfItem(atPath: tandem.directory + "/first.plan")[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
            let apply = try await tandem.run(["apply", "first.plan"])
            #expect(apply.exitCode == 0, "\(apply.stderr)")
            let again = try await tandem.run(["apply", "first.plan"])
            #expect(again.exitCode == 1)
            #expect(again.stderr.contains("This plan was already applied"))
            let stale = try await tandem.run(["apply", "second.plan"])
            #expect(stale.exitCode == 1)
            #expect(stale.stderr.contains("Saved plan is stale"))
            #expect(try await tandem.run(["destroy", "--auto-approve"]).exitCode == 0)
        }
    }

    @Test func anExistingBucketIsNotTakenOverAndTheErrorPointsAtTheArgument() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            try await s3.createBucket("rciis-ceph-replica-af-south-1", locationConstraint: "af-south-1")
            let apply = try await tandem.run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 1)
            #expect(apply.stderr.contains("Error: Create of aws_s3_bucket.replica failed (argument bucket)"))
            #expect(apply.stderr.contains("on main.tandem.yaml:25:5, in aws_s3_bucket.replica:"))
            #expect(apply.stderr.contains("already exists and is not managed by this state"))
            #expect(apply.stdout.contains("aws_s3_bucket.replica  create    failed"))
            #expect(apply.stdout.contains("aws_sqs_queue.events   create    applied"))
            let state = try await tandem.run(["state", "list"])
            #expect(state.stdout == "aws_sqs_queue.dlq\naws_sqs_queue.events\n")
            #expect(try await tandem.run(["destroy", "--auto-approve"]).exitCode == 0)
            #expect(try await s3.bucketExists("rciis-ceph-replica-af-south-1"))
        }
    }

    @Test func heldLockFailsAtOnceAndForceUnlockReleasesIt() async throws {
        let moto = try await MotoServer.shared()
        let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        try FileManager.default.createDirectory(atPath: tandem.directory + "/state", withIntermediateDirectories: true)
        let lock = #"{"id": "1b6c1bb0-0000-4000-8000-000000000001", "operation": "apply", "who": "ops@builder", "host": "builder", "pid": 4242, "created": "2026-11-21T10:00:00Z"}"#
        try lock.write(toFile: tandem.directory + "/state/default.json.lock", atomically: true, encoding: .utf8)
        let started = Date()
        let blocked = try await tandem.run(["apply", "--auto-approve"])
        #expect(blocked.exitCode == 1)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(blocked.stderr.contains("State is locked"))
        #expect(blocked.stderr.contains("ops@builder"))
        #expect(blocked.stderr.contains("4242"))
        #expect(blocked.stderr.contains("tandem force-unlock 1b6c1bb0-0000-4000-8000-000000000001"))
        #expect(try await tandem.run(["force-unlock", "wrong-id"]).exitCode == 1)
        #expect(try await tandem.run(["force-unlock", "1b6c1bb0-0000-4000-8000-000000000001"]).exitCode == 0)
        #expect(!FileManager.default.fileExists(atPath: tandem.directory + "/state/default.json.lock"))
    }

    @Test func ctrlCAtTheConfirmationPromptReleasesTheLockAndChangesNothing() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let run = try await tandem.interrupt(["apply"], whenOutputContains: "Only 'yes' is accepted")
            #expect(run.exitCode == 130, "\(run.stdout)\n\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: tandem.directory + "/state/default.json.lock"))
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            #expect(try await s3.bucketExists("rciis-ceph-replica-af-south-1") == false)
        }
    }

    @Test func missingCredentialsAreReportedOnceAtTheProviderBlock() async throws {
        let moto = try await MotoServer.shared()
        var tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        tandem.environment["AWS_ACCESS_KEY_ID"] = nil
        tandem.environment["AWS_SECRET_ACCESS_KEY"] = nil
        tandem.environment["AWS_SHARED_CREDENTIALS_FILE"] = tandem.directory + "/no-credentials"
        tandem.environment["AWS_CONFIG_FILE"] = tandem.directory + "/no-config"
        let plan = try await tandem.run(["plan"])
        #expect(plan.exitCode == 1)
        #expect(plan.stderr.components(separatedBy: "Error:").count == 2, "\(plan.stderr)")
        #expect(plan.stderr.contains("Cannot configure provider \"aws\""))
        #expect(plan.stderr.contains("on main.tandem.yaml:11:3:"))
        #expect(plan.stderr.contains("  11 |   aws:"))
        #expect(plan.stderr.contains("AWS_ACCESS_KEY_ID"))
    }

    @Test func configurationErrorsShowFileLineColumnAndTheLine() async throws {
        let moto = try await MotoServer.shared()
        let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        try """
        resources:
          aws_sqs_queue.dlq:
            name: dlq
          aws_sqs_queue.events:
            nmae: events
            redrive_policy:
              dead_letter_target_arn: ${aws_sqs_queue.dql.arn}
              max_receive_count: 5
        """.write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let run = try await tandem.run(["validate"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("Error: Unsupported argument \"nmae\""))
        #expect(run.stderr.contains("on main.tandem.yaml:5:5, in aws_sqs_queue.events:"))
        #expect(run.stderr.contains("  5 |     nmae: events"))
        #expect(run.stderr.contains("    |     ^^^^"))
        #expect(run.stderr.contains("Did you mean \"name\"?"))
        #expect(run.stderr.contains("main.tandem.yaml:7:33"))
        #expect(run.stderr.contains("did you mean \"aws_sqs_queue.dlq\"?") || run.stderr.contains("Did you mean \"aws_sqs_queue.dlq\"?"))
        #expect(run.stderr.contains("Missing required argument \"name\""))
    }

    @Test func modulesForEachAndDataSourcesEndToEnd() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            // The example calls ../../modules, so it runs in place; only the state lives in the temporary directory.
            let options = ["--dir", TandemBinary.repositoryRoot + "/examples/aws-replication-sites", "--state", tandem.directory + "/state.json"]
            let plan = try await tandem.run(["plan", "--detailed-exitcode"] + options)
            #expect(plan.exitCode == 2, "\(plan.stderr)")
            #expect(plan.stdout.contains("Plan: 6 to create, 0 to update, 0 to replace, 0 to delete."))
            #expect(plan.stdout.contains(#"+ module.events["walvis-bay"].aws_sqs_queue.main"#))
            #expect(plan.stdout.contains("redrive_policy.max_receive_count      = 8"))
            #expect(plan.stdout.contains(#"account = "123456789012""#), "the caller identity data source is read while planning")

            let apply = try await tandem.run(["apply", "--auto-approve"] + options)
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            let sqs = SQSClient(configuration: moto.configuration(), transport: moto.transport)
            #expect(try await sqs.queueURL(name: "rciis-durban-events-dlq") != nil)
            let queues = try await tandem.run(["output", "event_queues", "--json"] + options)
            let decoded = try JSONSerialization.jsonObject(with: Data(queues.stdout.utf8)) as? [String: [String: String]]
            #expect(decoded?["durban"]?["queue_url"] == "\(moto.endpoint)/123456789012/rciis-durban-events")

            let again = try await tandem.run(["plan", "--detailed-exitcode"] + options)
            #expect(again.exitCode == 0, "\(again.stdout)\n\(again.stderr)")
            let destroy = try await tandem.run(["destroy", "--auto-approve"] + options)
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            #expect(try await sqs.queueURL(name: "rciis-durban-events-dlq") == nil)
        }
    }

    @Test func backendBlockChoosesTheStateFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-backend-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "backend:\n  directory: states\nresources: {}\n".write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let tandem = TandemBinary(directory: directory, environment: ["NO_COLOR": "1", "PATH": "/usr/bin:/bin"])
        let initialised = try await tandem.run(["init", "--workspace", "prod"])
        #expect(initialised.exitCode == 0, "\(initialised.stderr)")
        #expect(initialised.stdout.contains("states/prod.json"))
        #expect(FileManager.default.fileExists(atPath: directory + "/states"))
    }
}
