import AWSClient
import TandemCore
import TandemEngine

/// `aws_s3_bucket_notification`: the bucket's whole notification document (S3 keeps exactly one per bucket and
/// every write replaces it). Entries another writer added show up as drift, the plan says when applying removes
/// them, and creating refuses to overwrite a document with entries the configuration does not declare.
struct S3BucketNotificationResource: AWSResource {
    static let typeName = "aws_s3_bucket_notification"

    static func target(_ arnName: String) -> AttributeSchema {
        AttributeSchema(.list(.object([
            "id": AttributeSchema(.string, .optional, description: "Entry id; derived from the entry when unset."),
            arnName: AttributeSchema(.string, .required),
            "events": AttributeSchema(.list(.string), .required, description: "Event names such as s3:ObjectCreated:*."),
            "filter_prefix": AttributeSchema(.string, .optional),
            "filter_suffix": AttributeSchema(.string, .optional),
        ])), .optional, defaultValue: .list([]))
    }

    static let schema = ResourceSchema(attributes: [
        "bucket": AttributeSchema(.string, .required, forcesReplacement: true, description: "Bucket name."),
        "queue": target("queue_arn"),
        "topic": target("topic_arn"),
        "eventbridge": AttributeSchema(.bool, .optional, defaultValue: .bool(false), description: "Also send every event to EventBridge."),
    ], description: "The notification document of an S3 bucket")

    /// The bucket's name follows S3's rules.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.bucketName("bucket", service: .s3)
        return rules.problems
    }

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let bucket = current["bucket"].stringValue, let s3 = try await provider.locate(bucket)?.client else { return nil }
        let document = try await s3.getBucketNotification(bucket)
        return .map([
            "bucket": .string(bucket),
            "queue": .list(document.queues.map { Self.value(of: $0, arnName: "queue_arn") }),
            "topic": .list(document.topics.map { Self.value(of: $0, arnName: "topic_arn") }),
            "eventbridge": .bool(document.eventBridge),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        guard let s3 = try await provider.locate(bucket)?.client else { throw ProviderError("Bucket \(bucket) does not exist", attributePath: "bucket") }
        let live = try await s3.getBucketNotification(bucket)
        let foreign = Self.undeclared(in: live, planned: planned)
        if !foreign.isEmpty {
            throw ProviderError("Bucket \(bucket) already has notification entries this configuration does not declare (\(foreign.joined(separator: "; "))). "
                                + "S3 keeps one document per bucket, so writing would remove them. Declare them here, or adopt the document with "
                                + "tandem import \(Self.typeName).NAME \(bucket).", attributePath: "bucket")
        }
        return try await put(planned, s3: s3, progress: progress)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        guard let s3 = try await provider.locate(bucket)?.client else { throw ProviderError("Bucket \(bucket) no longer exists") }
        return try await put(planned, s3: s3, progress: progress)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let bucket = prior["bucket"].stringValue ?? ""
        guard let s3 = try await provider.locate(bucket)?.client else { return }
        try await s3.putBucketNotification(bucket, NotificationConfiguration(queues: [], topics: [], lambdaFunctions: [], eventBridge: false))
    }

    /// Entries of the live document (before) that the planned one (after) does not have, described for a reviewer.
    static func undeclared(before: Value?, after: Value) -> [String] {
        ["queue", "topic"].flatMap { kind in
            let planned = Set((after[kind].listValue ?? []).map(entryIdentity))
            return (before?[kind].listValue ?? []).filter { !planned.contains(entryIdentity($0)) }.map { describe($0, kind: kind) }
        }
    }

    private static func undeclared(in live: NotificationConfiguration, planned: Value) -> [String] {
        let before: Value = .map([
            "queue": .list(live.queues.map { value(of: $0, arnName: "queue_arn") }),
            "topic": .list(live.topics.map { value(of: $0, arnName: "topic_arn") }),
        ])
        return undeclared(before: before, after: planned)
    }

    private func put(_ planned: Value, s3: S3Client, progress: ProgressReporter) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        let document = NotificationConfiguration(
            queues: (planned["queue"].listValue ?? []).map { Self.target($0, arnName: "queue_arn") },
            topics: (planned["topic"].listValue ?? []).map { Self.target($0, arnName: "topic_arn") },
            lambdaFunctions: [], eventBridge: planned["eventbridge"].boolValue ?? false)
        try await provider.consistency.run([EventualConsistency.destinationNotValidated], operation: "PutBucketNotificationConfiguration",
                                           progress: progress) {
            try await s3.putBucketNotification(bucket, document)
        }
        guard let value = try await read(current: planned) else { throw ProviderError("Bucket \(bucket) disappeared while writing its notifications") }
        return value
    }

    /// Event lists, ARNs and filters identify an entry; ids do not (S3 may generate them).
    private static func entryIdentity(_ entry: Value) -> String {
        let arn = entry["queue_arn"].stringValue ?? entry["topic_arn"].stringValue ?? ""
        let events = (entry["events"].listValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
        return [arn, events, entry["filter_prefix"].stringValue ?? "", entry["filter_suffix"].stringValue ?? ""].joined(separator: "|")
    }

    private static func describe(_ entry: Value, kind: String) -> String {
        let arn = entry["\(kind)_arn"].stringValue ?? "?"
        let events = (entry["events"].listValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
        return "\(kind) \(arn) for \(events)"
    }

    /// The id written for an entry without one: stable for the entry's content, so re-reading gives no diff.
    static func derivedID(_ entry: Value) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in entryIdentity(entry).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "tandem-" + String(hash, radix: 16)
    }

    private static func target(_ entry: Value, arnName: String) -> NotificationTarget {
        NotificationTarget(id: entry["id"].stringValue ?? derivedID(entry), arn: entry[arnName].stringValue ?? "",
                           events: (entry["events"].listValue ?? []).compactMap(\.stringValue),
                           prefix: entry["filter_prefix"].stringValue, suffix: entry["filter_suffix"].stringValue)
    }

    private static func value(of target: NotificationTarget, arnName: String) -> Value {
        var entry: [String: Value] = [
            arnName: .string(target.arn),
            "events": .list(target.events.map(Value.string)),
            "filter_prefix": target.prefix.map(Value.string) ?? .null,
            "filter_suffix": target.suffix.map(Value.string) ?? .null,
        ]
        // A derived id stands for "no id set", so the configuration need not repeat it.
        let id = target.id.flatMap { $0 == derivedID(.map(entry)) ? nil : $0 }
        entry["id"] = id.map(Value.string) ?? .null
        return .map(entry)
    }
}

extension S3BucketNotificationResource {
    /// Imported by bucket name; waits for the bucket and for the policies of the queues it targets (S3 validates
    /// the destination); an update notes the live entries it removes.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importing: AWSResourceKind.importing(by: "bucket"),
        ordering: { value in
            let queues = (value["queue"].listValue ?? []).map { OrderingNames.name($0["queue_arn"]) { ARN.queueName($0) } }
            return OrderingKeys(requires: OrderingNames.all([OrderingNames.name(value["bucket"]) { $0 }], "s3:bucket:")
                                    + OrderingNames.all(queues, "sqs:queue-policy:"))
        },
        validate: validate,
        notes: { action, before, after in
            let removed = action == .update ? undeclared(before: before, after: after) : []
            guard !removed.isEmpty else { return [] }
            return ["The live notification document has \(removed.count) entr\(removed.count == 1 ? "y" : "ies") this configuration does not declare "
                    + "(\(removed.joined(separator: "; "))). S3 keeps one document per bucket, so applying removes them; "
                    + "if another tool wrote them, declare them here instead."]
        },
        operations: { S3BucketNotificationResource(provider: $0) })
}
