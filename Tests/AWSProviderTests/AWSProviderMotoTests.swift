import AWSClient
import AWSProvider
import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState
import TandemTesting

/// The aws provider against a real S3/SQS endpoint (moto on 127.0.0.1), through the same code path as AWS.
@Suite(.serialized) struct AWSProviderMotoTests {
    private static let registry = ProviderRegistry([AWSProvider()])

    private func configured(_ moto: MotoServer) async throws -> any ConfiguredProvider {
        try await AWSProvider().configure(.map(["region": .string("af-south-1"), "endpoint": .string(moto.endpoint)]),
                                          environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
    }

    @Test func bucketIsCreatedReadUpdatedAndDeleted() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            let planned: Value = .map([
                "bucket": .string("tandem-provider-test"), "versioning": .string("Enabled"),
                "encryption": .map(["algorithm": .string("AES256"), "kms_master_key_id": .null, "bucket_key_enabled": .bool(false)]),
                "public_access_block": .map(["block_public_acls": .bool(true), "ignore_public_acls": .bool(true),
                                             "block_public_policy": .bool(true), "restrict_public_buckets": .bool(true)]),
                "tags": .map(["app": .string("s3-replicator")]), "region": .unknown, "arn": .unknown,
            ])
            let created = try await provider.create(type: "aws_s3_bucket", planned: planned, progress: .silent)
            #expect(created["region"] == .string("af-south-1"))
            #expect(created["arn"] == .string("arn:aws:s3:::tandem-provider-test"))
            #expect(created["versioning"] == .string("Enabled"))
            #expect(created["public_access_block"]["restrict_public_buckets"] == .bool(true))
            #expect(try await provider.read(type: "aws_s3_bucket", current: created) == created)

            var changed = created.mapValue!
            changed["versioning"] = .string("Suspended")
            changed["public_access_block"] = .null
            changed["tags"] = .map([:])
            let updated = try await provider.update(type: "aws_s3_bucket", prior: created, planned: .map(changed), progress: .silent)
            #expect(updated["versioning"] == .string("Suspended"))
            #expect(updated["public_access_block"] == .null)
            #expect(updated["tags"] == .map([:]))

            try await provider.delete(type: "aws_s3_bucket", prior: updated, progress: .silent)
            #expect(try await provider.read(type: "aws_s3_bucket", current: updated) == nil)
        }
    }

    @Test func queueRedrivePolicyReadBackIsNormalised() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            let dlq = try await provider.create(type: "aws_sqs_queue", planned: .map(["name": .string("dlq"), "tags": .map([:])]), progress: .silent)
            let arn = try #require(dlq["arn"].stringValue)
            #expect(arn.hasSuffix(":dlq"))
            let events = try await provider.create(type: "aws_sqs_queue", planned: .map([
                "name": .string("events"), "visibility_timeout_seconds": .number(300), "tags": .map(["team": .string("dr")]),
                "redrive_policy": .map(["dead_letter_target_arn": .string(arn), "max_receive_count": .number(5)]),
            ]), progress: .silent)
            // moto returns the policy as `{"deadLetterTargetArn": ..., "maxReceiveCount": 5}` with spaces; it must compare equal.
            #expect(events["redrive_policy"] == .map(["dead_letter_target_arn": .string(arn), "max_receive_count": .number(5)]))
            #expect(events["visibility_timeout_seconds"] == .number(300))
            #expect(events["tags"] == .map(["team": .string("dr")]))
            #expect(events["url"].stringValue?.hasSuffix("/events") == true)
        }
    }

    @Test func planAfterApplyShowsNoPerpetualDiff() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-aws-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let example = try String(contentsOfFile: Self.repositoryRoot + "/examples/aws-s3-sqs/main.tandem.yaml", encoding: .utf8)
            let (configuration, diagnostics) = ConfigurationLoader.parse(sources: [("main.tandem.yaml", example)], directory: ".")
            try diagnostics.throwIfErrors()
            let variables: [String: Value] = ["region": .string("af-south-1"), "endpoint": .string(moto.endpoint)]
            let environment = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]
            let store = LocalStateStore(path: directory + "/state/default.json")

            func plan() async throws -> Plan {
                let sessions = ProviderSessions(registry: Self.registry, configuration: configuration, variables: variables, environment: environment)
                defer { Task { await sessions.shutdown() } }
                return try await Planner(registry: Self.registry, sessions: sessions)
                    .plan(PlanRequest(configuration: configuration, variables: variables, state: try store.read()))
            }
            let first = try await plan()
            #expect(first.counts[.create] == 3)
            let sessions = ProviderSessions(registry: Self.registry, configuration: configuration, variables: variables, environment: environment)
            let result = await Applier(registry: Self.registry, sessions: sessions)
                .apply(first, configuration: configuration, recorder: StateRecorder(state: nil, store: store), parallelism: 10, hooks: ApplyHooks())
            await sessions.shutdown()
            #expect(result.succeeded, "\(result.diagnostics.errors)")
            let second = try await plan()
            #expect(!second.hasChanges, "\(second.resourceChanges.filter { $0.action != .noop })")
            #expect(second.drift.isEmpty, "\(second.drift)")
        }
    }

    @Test func serviceErrorsKeepTheServiceCodeAndTheResourceAddress() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            try await s3.createBucket("full-bucket", locationConstraint: "af-south-1")
            try await s3.putObject(bucket: "full-bucket", key: "keep.txt", body: Array("data".utf8), contentType: "text/plain")
            do {
                try await provider.delete(type: "aws_s3_bucket", prior: .map(["bucket": .string("full-bucket"), "region": .string("af-south-1")]), progress: .silent)
                Issue.record("deleting a non-empty bucket succeeded")
            } catch {
                let diagnostic = try #require(EngineErrors.diagnostics(for: error, address: ResourceAddress(type: "aws_s3_bucket", name: "replica"), operation: "delete").first)
                #expect(diagnostic.address == "aws_s3_bucket.replica")
                #expect(diagnostic.detail?.contains("BucketNotEmpty") == true)
            }
            #expect(try await s3.listObjectKeys(bucket: "full-bucket") == ["keep.txt"])
        }
    }

    @Test func regionComesFromTheBlockTheEnvironmentOrTheProfile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-region-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "[profile dr]\nregion = eu-west-1\n".write(toFile: directory + "/config", atomically: true, encoding: .utf8)
        try "[dr]\naws_access_key_id = testing\naws_secret_access_key = testing\n".write(toFile: directory + "/credentials", atomically: true, encoding: .utf8)
        let environment = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_CONFIG_FILE": directory + "/config", "AWS_SHARED_CREDENTIALS_FILE": directory + "/credentials"]
        func region(_ block: [String: Value], _ environment: [String: String]) async throws -> Value? {
            let provider = try await AWSProvider().configure(.map(block), environment: environment)
            defer { Task { await provider.shutdown() } }
            return provider.defaults(type: "aws_s3_bucket")["region"]
        }
        #expect(try await region(["profile": .string("dr")], environment) == .string("eu-west-1"))
        #expect(try await region(["profile": .string("dr")], environment.merging(["AWS_REGION": "af-south-1"]) { $1 }) == .string("af-south-1"))
        #expect(try await region(["region": .string("us-east-2"), "profile": .string("dr")], environment) == .string("us-east-2"))
        await #expect(throws: ProviderError.self) { try await region([:], environment) }
    }

    @Test func exampleConfigurationErrorsNameFileLineAndColumn() throws {
        let text = """
        resources:
          aws_s3_bucket.replica:
            bucket: b
            versoning: Enabled
            public_access_block:
              block_public_acl: true
          aws_sqs_queue.events:
            name: e
            redrive_policy:
              dead_letter_target_arn: ${aws_sqs_queue.dql.arn}
              max_receive_count: five
        """
        let (configuration, parseDiagnostics) = ConfigurationLoader.parse(sources: [("main.tandem.yaml", text)], directory: ".")
        #expect(parseDiagnostics.isEmpty)
        let errors = Validator.validate(configuration, registry: Self.registry).errors
        let byLocation = Dictionary(errors.map { ($0.range?.description ?? "", $0.summary) }, uniquingKeysWith: { $0 + " | " + $1 })
        #expect(byLocation["main.tandem.yaml:4:5"] == #"Unsupported argument "versoning""#)
        #expect(byLocation["main.tandem.yaml:6:7"] == #"Unsupported argument "block_public_acl""#)
        #expect(byLocation["main.tandem.yaml:10:33"] == #"Reference to undeclared resource "aws_sqs_queue.dql""#)
        #expect(byLocation["main.tandem.yaml:11:26"] == #"Invalid type for "redrive_policy.max_receive_count""#)
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
