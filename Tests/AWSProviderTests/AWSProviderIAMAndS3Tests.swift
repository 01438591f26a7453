import AWSClient
@testable import AWSProvider
import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemTesting

/// IAM resources, bucket policies, notifications, replication rules, force_destroy, import and data sources against
/// moto on 127.0.0.1. Where moto deviates from AWS (moto-5.2.md) the test says so and asserts what moto can show.
@Suite(.serialized) struct AWSProviderIAMAndS3Tests {
    private func configured(_ moto: MotoServer) async throws -> any ConfiguredProvider {
        try await AWSProvider().configure(.map(["region": .string("af-south-1"), "endpoint": .string(moto.endpoint)]),
                                          environment: ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
    }

    private func policy(_ json: String) throws -> Value { try PolicyDocument.normalized(Value(jsonString: json)) }

    @Test func userPolicyAccessKeyAndRoleRoundTrip() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            let user = try await provider.create(type: "aws_iam_user", planned: .map(["name": .string("replicator"), "path": .string("/"),
                                                                                        "tags": .map(["app": .string("tandem")])]), progress: .silent)
            #expect(user["arn"] == .string("arn:aws:iam::123456789012:user/replicator"))
            // moto's user ids are 20 random lower-case characters, not AWS's AIDA…: assert presence only.
            #expect(user["unique_id"].stringValue?.isEmpty == false)
            #expect(user["tags"] == .map(["app": .string("tandem")]))
            #expect(try await provider.read(type: "aws_iam_user", current: user) == user)

            let document = try policy(#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage"],"Resource":"arn:aws:sqs:af-south-1:123456789012:q"}]}"#)
            let inline = try await provider.create(type: "aws_iam_user_policy", planned: .map([
                "user": .string("replicator"), "name": .string("access"), "policy": document]), progress: .silent)
            #expect(inline["policy"] == document, "IAM returns the document URL-encoded; read back it must equal the normal form")

            let key = try await provider.create(type: "aws_iam_access_key", planned: .map(["user": .string("replicator"), "status": .string("Active")]),
                                                progress: .silent)
            #expect(key["id"].stringValue?.hasPrefix("AKIA") == true)
            #expect(key["secret"].stringValue?.count == 40)
            let inactive = try await provider.update(type: "aws_iam_access_key", prior: key, planned: .map([
                "user": .string("replicator"), "status": .string("Inactive"), "id": key["id"], "secret": key["secret"]]), progress: .silent)
            #expect(try await provider.read(type: "aws_iam_access_key", current: inactive)?["status"] == .string("Inactive"))
            #expect(try await provider.read(type: "aws_iam_access_key", current: inactive)?["secret"] == key["secret"], "the secret stays in state")

            // The user still has an inline policy: IAM refuses, and the error says what to do.
            await #expect(throws: ProviderError.self) { try await provider.delete(type: "aws_iam_user", prior: user, progress: .silent) }
            try await provider.delete(type: "aws_iam_access_key", prior: inactive, progress: .silent)
            try await provider.delete(type: "aws_iam_user_policy", prior: inline, progress: .silent)
            #expect(try await provider.read(type: "aws_iam_user_policy", current: inline) == nil)
            try await provider.delete(type: "aws_iam_user", prior: user, progress: .silent)
            #expect(try await provider.read(type: "aws_iam_user", current: user) == nil)

            let trust = try policy(#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}}"#)
            let role = try await provider.create(type: "aws_iam_role", planned: .map([
                "name": .string("s3-replication-role"), "path": .string("/"), "assume_role_policy": trust, "description": .null,
                "tags": .map([:])]), progress: .silent)
            #expect(role["unique_id"].stringValue?.hasPrefix("AROA") == true)
            #expect(role["assume_role_policy"] == trust)
            #expect(try await provider.read(type: "aws_iam_role", current: role) == role)
            let imported = try await provider.importObject(type: "aws_iam_role", id: "s3-replication-role")
            #expect(imported == role)
            try await provider.delete(type: "aws_iam_role", prior: role, progress: .silent)
            #expect(try await provider.importObject(type: "aws_iam_role", id: "s3-replication-role") == nil)
        }
    }

    @Test func bucketPolicyLifecycleAndForceDestroy() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            // An Allow-only policy: moto enforces Deny statements on object I/O without matching principals (moto-5.2.md §2a).
            let document = try policy(#"{"Version":"2012-10-17","Statement":[{"Sid":"Replication","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/s3-replication-role"},"Action":["s3:ReplicateObject","s3:ReplicateDelete"],"Resource":"arn:aws:s3:::tandem-policy/*"}]}"#)
            let rule: Value = .map([
                "id": .string("expire-old"), "enabled": .bool(true), "prefix": .string("logs/"), "tags": .map([:]),
                "expiration_days": .number(30), "expired_object_delete_marker": .null, "noncurrent_version_expiration_days": .number(7),
                "abort_incomplete_multipart_upload_days": .number(2),
                "transition": .list([.map(["days": .number(10), "storage_class": .string("STANDARD_IA")])]), "noncurrent_version_transition": .list([]),
            ])
            let created = try await provider.create(type: "aws_s3_bucket", planned: .map([
                "bucket": .string("tandem-policy"), "versioning": .string("Enabled"), "policy": document, "ownership_controls": .string("BucketOwnerEnforced"),
                "lifecycle_rule": .list([rule]), "force_destroy": .bool(true), "tags": .map([:]), "public_access_block": .null,
            ]), progress: .silent)
            #expect(created["policy"] == document)
            #expect(created["ownership_controls"] == .string("BucketOwnerEnforced"))
            #expect(created["lifecycle_rule"] == .list([rule]))
            #expect(try await provider.read(type: "aws_s3_bucket", current: created) == created)

            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            for key in ["a b.txt", "ü/+plus", "a b.txt"] { try await s3.putObject(bucket: "tandem-policy", key: key, body: Array("x".utf8), contentType: nil) }
            try await s3.deleteObject(bucket: "tandem-policy", key: "ü/+plus")
            let messages = MessageLog()
            try await provider.delete(type: "aws_s3_bucket", prior: created, progress: ProgressReporter { messages.add($0) })
            #expect(try await s3.bucketExists("tandem-policy") == false)
            #expect(messages.all.last == "force_destroy: deleted 4 object version(s) so far")
        }
    }

    @Test func notificationOwnsTheDocumentAndRefusesToOverwriteForeignEntries() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            let sqs = SQSClient(configuration: moto.configuration(), transport: moto.transport)
            try await s3.createBucket("tandem-events", locationConstraint: "af-south-1")
            _ = try await sqs.createQueue(name: "ours", attributes: [:], tags: [:])
            _ = try await sqs.createQueue(name: "theirs", attributes: [:], tags: [:])
            let ours = "arn:aws:sqs:af-south-1:123456789012:ours"
            let theirs = NotificationTarget(id: "other-tool", arn: "arn:aws:sqs:af-south-1:123456789012:theirs", events: ["s3:ObjectCreated:*"])
            try await s3.putBucketNotification("tandem-events", NotificationConfiguration(queues: [theirs]))

            let entry: Value = .map(["id": .null, "queue_arn": .string(ours), "events": .list([.string("s3:ObjectCreated:*"), .string("s3:ObjectRemoved:*")]),
                                     "filter_prefix": .string("in/"), "filter_suffix": .null])
            let planned: Value = .map(["bucket": .string("tandem-events"), "queue": .list([entry]), "topic": .list([]), "eventbridge": .bool(false)])
            await #expect(throws: ProviderError.self) {
                _ = try await provider.create(type: "aws_s3_bucket_notification", planned: planned, progress: .silent)
            }
            #expect(try await s3.getBucketNotification("tandem-events").queues == [theirs], "nothing was overwritten")

            // Adopted through import, the foreign entry shows up in the plan's note before an update removes it.
            let imported = try #require(try await provider.importObject(type: "aws_s3_bucket_notification", id: "tandem-events"))
            let notes = AWSProvider().notes(type: "aws_s3_bucket_notification", action: .update, before: imported, after: planned)
            #expect(notes.count == 1 && notes[0].contains("queue arn:aws:sqs:af-south-1:123456789012:theirs for s3:ObjectCreated:*"))
            let updated = try await provider.update(type: "aws_s3_bucket_notification", prior: imported, planned: planned, progress: .silent)
            #expect(updated == planned, "the derived entry id reads back as unset: no perpetual diff")
            #expect(try await s3.getBucketNotification("tandem-events").queues.map(\.arn) == [ours])
            try await provider.delete(type: "aws_s3_bucket_notification", prior: updated, progress: .silent)
            #expect(try await s3.getBucketNotification("tandem-events") == NotificationConfiguration())
        }
    }

    @Test func replicationRuleRoundTripNamesMotosDeviations() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            let s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
            for bucket in ["tandem-src", "tandem-dst"] {
                try await s3.createBucket(bucket, locationConstraint: "af-south-1")
                try await s3.putBucketVersioning(bucket, status: "Enabled")
            }
            let rule: Value = .map([
                "id": .string("replicate-all"), "priority": .number(1), "status": .string("Enabled"),
                "filter": .map(["prefix": .string("data/"), "tags": .map([:])]), "delete_marker_replication": .string("Enabled"),
                "existing_object_replication": .null, "sse_kms_encrypted_objects": .null,
                "destination": .map([
                    "bucket": .string("arn:aws:s3:::tandem-dst"), "storage_class": .string("STANDARD"), "account": .string("123456789012"),
                    "access_control_translation": .map(["owner": .string("Destination")]),
                    "metrics": .map(["status": .string("Enabled"), "event_threshold_minutes": .number(15)]),
                    "replication_time": .map(["status": .string("Enabled"), "minutes": .number(15)]), "replica_kms_key_id": .null,
                ]),
            ])
            let planned: Value = .map(["bucket": .string("tandem-src"), "role": .string("arn:aws:iam::123456789012:role/r"), "rule": .list([rule])])
            let created = try await provider.create(type: "aws_s3_bucket_replication", planned: planned, progress: .silent)
            #expect(created["role"] == planned["role"])
            let read = try #require(created["rule"].listValue?.first)
            for field in ["id", "priority", "status", "destination"] { #expect(read[field] == rule[field], "\(field)") }
            // moto deviation: GetBucketReplication returns DeleteMarkerReplication Disabled and drops filters (AWS keeps both).
            #expect(read["delete_marker_replication"] == .string("Disabled"))
            #expect(read["filter"]["prefix"] == .null)
            try await provider.delete(type: "aws_s3_bucket_replication", prior: created, progress: .silent)
            #expect(try await provider.read(type: "aws_s3_bucket_replication", current: created) == nil)
        }
    }

    @Test func dataSourcesLookUpExistingObjects() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let provider = try await configured(moto)
            defer { Task { await provider.shutdown() } }
            let iam = IAMClient(configuration: moto.configuration(), transport: moto.transport)
            let user = try await iam.createUser(name: "existing", path: "/", tags: [:])
            let found = try await provider.readDataSource(type: "aws_iam_user", arguments: .map(["name": .string("existing")]))
            #expect(found["unique_id"] == .string(user.userID))
            #expect(found["arn"] == .string(user.arn))
            _ = try await SQSClient(configuration: moto.configuration(), transport: moto.transport).createQueue(name: "q", attributes: [:], tags: [:])
            let queue = try await provider.readDataSource(type: "aws_sqs_queue", arguments: .map(["name": .string("q")]))
            #expect(queue["arn"] == .string("arn:aws:sqs:af-south-1:123456789012:q"))
            await #expect(throws: ProviderError.self) {
                _ = try await provider.readDataSource(type: "aws_s3_bucket", arguments: .map(["bucket": .string("missing")]))
            }
        }
    }
}

/// Messages a progress reporter received, in order.
final class MessageLog: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
