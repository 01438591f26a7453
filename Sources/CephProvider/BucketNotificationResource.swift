import AWSClient
import TandemCore
import TandemEngine

/// `ceph_bucket_notification`: the notification document of an RGW bucket: which events go to which topics.
/// RGW keeps one document per bucket, per zone; destroy removes it with RGW's DELETE ?notification.
///
/// radosgw 16 copies each topic into the notification when it is written: refresh compares those copies with the
/// topics (`topic_in_sync`), so a topic changed behind the notification's back shows as drift, and apply writes the
/// notification again. A topic changed by apply makes its notifications be written again too (its `arn` is known
/// after apply).
struct BucketNotificationResource: CephResource {
    static let typeName = "ceph_bucket_notification"
    static let importPath: [String] = ["bucket"]

    static let schema = ResourceSchema(attributes: [
        "bucket": AttributeSchema(.string, .required, forcesReplacement: true, description: "Bucket name."),
        "topic": AttributeSchema(.list(.object([
            "id": AttributeSchema(.string, .required, description: "Notification id (RGW requires one)."),
            "topic_arn": AttributeSchema(.string, .required),
            "events": AttributeSchema(.list(.string), .required, description: "Event names such as s3:ObjectCreated:*."),
            "filter_prefix": AttributeSchema(.string, .optional),
            "filter_suffix": AttributeSchema(.string, .optional),
            "topic_in_sync": AttributeSchema(.bool, .optional, defaultValue: .bool(true),
                                             description: "Read back false when the copy of the topic radosgw keeps inside this notification differs from "
                                                + "the topic (it still delivers to the old settings); apply then writes the notification again. "
                                                + "Needs radosgw-admin (read back true when it cannot run). Leave unset."),
        ])), .required),
    ], description: "The notification document of an RGW bucket")

    let provider: ConfiguredCephProvider

    func read(current: Value) async throws -> Value? {
        guard let bucket = current["bucket"].stringValue, let s3 = try await provider.s3(ifBucketExists: bucket) else { return nil }
        let document = try await s3.getBucketNotification(bucket)
        // No entries means no notification: the resource is gone.
        guard !document.topics.isEmpty else { return nil }
        let stale = try await NotificationTopicCopies(admin: provider.admin, sns: provider.sns())
            .staleNotificationIDs(bucket: bucket, targets: document.topics) ?? []
        return .map(["bucket": .string(bucket), "topic": .list(document.topics.map { target in
            .map([
                "id": target.id.map(Value.string) ?? .null, "topic_arn": .string(target.arn), "events": .list(target.events.map(Value.string)),
                "filter_prefix": target.prefix.map(Value.string) ?? .null, "filter_suffix": target.suffix.map(Value.string) ?? .null,
                "topic_in_sync": .bool(!(target.id.map(stale.contains) ?? false)),
            ])
        })])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        let live = try await provider.s3().getBucketNotification(bucket)
        if !live.topics.isEmpty {
            throw ProviderError("Bucket \(bucket) already has notifications (\(live.topics.compactMap(\.id).joined(separator: ", "))) this state does "
                                + "not manage; writing would replace them. Import them with tandem import \(Self.typeName).NAME \(bucket).",
                                attributePath: "bucket")
        }
        return try await write(planned)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await write(planned)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let bucket = prior["bucket"].stringValue ?? ""
        guard let s3 = try await provider.s3(ifBucketExists: bucket) else { return }
        try await s3.deleteBucketNotification(bucket)
    }

    private func write(_ planned: Value) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        let topics = (planned["topic"].listValue ?? []).map { entry in
            NotificationTarget(id: entry["id"].stringValue, arn: entry["topic_arn"].stringValue ?? "",
                               events: (entry["events"].listValue ?? []).compactMap(\.stringValue),
                               prefix: entry["filter_prefix"].stringValue, suffix: entry["filter_suffix"].stringValue)
        }
        // RGW merges a written document into the live one (same id replaced, others kept), so entries this
        // configuration no longer has are deleted one by one afterwards; events keep flowing throughout.
        let s3 = try provider.s3()
        try await s3.putBucketNotification(bucket, NotificationConfiguration(topics: topics))
        let declared = Set(topics.compactMap(\.id))
        for stale in try await s3.getBucketNotification(bucket).topics.compactMap(\.id) where !declared.contains(stale) {
            try await s3.deleteBucketNotification(bucket, id: stale)
        }
        return try await readBack(planned, what: "Notification of bucket \(bucket)")
    }
}

extension BucketNotificationResource {
    /// The bucket name follows RGW's default (strict) naming rules; `topic_in_sync` is read back, never set false.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.bucketName("bucket", service: .rgw)
        let stale = (configuration["topic"].listValue ?? []).enumerated().compactMap { index, entry in
            entry["topic_in_sync"] == .bool(false)
                ? ProviderError("topic_in_sync is read back from radosgw; leave it unset (true)", attributePath: "topic[\(index)].topic_in_sync") : nil
        }
        return rules.problems + stale
    }
}
