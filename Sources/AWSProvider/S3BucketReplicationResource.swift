import AWSClient
import TandemCore
import TandemEngine

/// `aws_s3_bucket_replication`: the bucket's replication configuration, always in the V2 schema.
/// `delete_marker_replication` is required on every rule: with V2 rules S3 silently stops replicating delete
/// markers unless told otherwise, which is how adding a filter used to disable it.
struct S3BucketReplicationResource: AWSResource {
    static let typeName = "aws_s3_bucket_replication"

    static let status = ["Enabled", "Disabled"]

    static let ruleSchema: [String: AttributeSchema] = [
        "id": AttributeSchema(.string, .required, description: "Rule id, unique in the configuration."),
        "priority": AttributeSchema(.number, .optional, description: "Higher wins when rules overlap; required when there are several rules."),
        "status": AttributeSchema(.string, .optional, defaultValue: .string("Enabled"), allowedValues: status),
        "filter": AttributeSchema(.object([
            "prefix": AttributeSchema(.string, .optional),
            "tags": AttributeSchema(.map(.string), .optional, defaultValue: .map([:])),
        ]), .optional, defaultValue: .map(["prefix": .null, "tags": .map([:])]), description: "Which objects the rule covers; unset covers every object."),
        "delete_marker_replication": AttributeSchema(.string, .required, allowedValues: status,
                                                     description: "Whether delete markers replicate. Required: S3's V2 default is Disabled."),
        "existing_object_replication": AttributeSchema(.string, .optional, allowedValues: status,
                                                       description: "Replicate objects that existed before the rule (needs AWS support to enable)."),
        "sse_kms_encrypted_objects": AttributeSchema(.string, .optional, allowedValues: status),
        "destination": AttributeSchema(.object([
            "bucket": AttributeSchema(.string, .required, description: "Destination bucket ARN (arn:aws:s3:::NAME)."),
            "storage_class": AttributeSchema(.string, .optional),
            "account": AttributeSchema(.string, .optional, description: "Destination account id, for cross-account replication."),
            "access_control_translation": AttributeSchema(.object([
                "owner": AttributeSchema(.string, .required, allowedValues: ["Destination"]),
            ]), .optional, description: "Make the destination account own the replicas (needs account)."),
            "metrics": AttributeSchema(.object([
                "status": AttributeSchema(.string, .optional, defaultValue: .string("Enabled"), allowedValues: status),
                "event_threshold_minutes": AttributeSchema(.number, .optional),
            ]), .optional),
            "replication_time": AttributeSchema(.object([
                "status": AttributeSchema(.string, .optional, defaultValue: .string("Enabled"), allowedValues: status),
                "minutes": AttributeSchema(.number, .optional, defaultValue: .number(15)),
            ]), .optional, description: "Replication Time Control (15 minutes); needs metrics."),
            "replica_kms_key_id": AttributeSchema(.string, .optional),
        ]), .required),
    ]

    static let schema = ResourceSchema(attributes: [
        "bucket": AttributeSchema(.string, .required, forcesReplacement: true, description: "Source bucket name."),
        "role": AttributeSchema(.string, .required, description: "ARN of the IAM role S3 assumes to replicate."),
        "rule": AttributeSchema(.list(.object(ruleSchema)), .required, description: "Replication rules."),
    ], description: "The replication configuration of an S3 bucket")

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let bucket = current["bucket"].stringValue, let s3 = try await provider.locate(bucket)?.client,
              let configuration = try await s3.getBucketReplication(bucket) else { return nil }
        return .map(["bucket": .string(bucket), "role": .string(configuration.role), "rule": .list(configuration.rules.map(Self.value(of:)))])
    }

    /// Each enabled rule, from the source bucket (under the rule's prefix) to its destination bucket, same keys. Both
    /// sides are listed with the provider's credentials and endpoint (a destination in another account or region is
    /// listed as this provider sees it).
    func dataReplications(_ value: Value) -> [DataReplication] {
        guard let bucket = value["bucket"].stringValue else { return [] }
        return (value["rule"].listValue ?? []).compactMap { rule in
            guard rule["status"].stringValue != "Disabled", let destination = ARN.bucketName(rule["destination"]["bucket"].stringValue) else { return nil }
            let prefix = rule["filter"]["prefix"].stringValue ?? ""
            return DataReplication(name: "rule \(rule["id"].stringValue ?? "")", source: provider.location(bucket: bucket, prefix: prefix),
                                   target: provider.location(bucket: destination, prefix: prefix),
                                   notComparable: (rule["filter"]["tags"].mapValue ?? [:]).isEmpty ? nil : "the rule filters by tags, which listings do not show")
        }
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        try await put(planned, progress: progress)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await put(planned, progress: progress)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let bucket = prior["bucket"].stringValue ?? ""
        guard let s3 = try await provider.locate(bucket)?.client else { return }
        try await s3.deleteBucketReplication(bucket)
    }

    private func put(_ planned: Value, progress: ProgressReporter) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        guard let s3 = try await provider.locate(bucket)?.client else { throw ProviderError("Bucket \(bucket) does not exist", attributePath: "bucket") }
        let configuration = ReplicationConfiguration(role: planned["role"].stringValue ?? "",
                                                     rules: (planned["rule"].listValue ?? []).map(Self.rule(from:)))
        try await provider.consistency.run([EventualConsistency.versioningNotYetVisible, EventualConsistency.roleNotYetAssumable],
                                           operation: "PutBucketReplication", progress: progress) {
            try await s3.putBucketReplication(bucket, configuration)
        }
        // GetBucketReplication may briefly answer "not found" after a write (read-after-write consistency).
        for attempt in 1...5 {
            if let value = try await read(current: planned) { return value }
            progress("replication configuration of \(bucket) not readable yet after writing; retrying (\(attempt)/5)")
            try await Task.sleep(for: .milliseconds(500 * attempt))
        }
        throw ProviderError("The replication configuration of \(bucket) was written but cannot be read back")
    }

    /// Rules S3 enforces across fields, and its documented limits (the source bucket's name, at most 1000 rules, rule
    /// ids of at most 255 characters, filter tags), checked while planning.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var limits = ValueRules(configuration)
        limits.bucketName("bucket", service: .s3)
        limits.count("rule", "replication rules", atMost: 1000)
        for index in (configuration["rule"].listValue ?? []).indices {
            limits.text("rule[\(index)].id", "A replication rule id", length: 0...255)
            limits.tags("rule[\(index)].filter.tags")
        }
        var problems = limits.problems
        let rules = configuration["rule"].listValue ?? []
        var ids: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let path = "rule[\(index)]"
            if let id = rule["id"].stringValue, !ids.insert(id).inserted {
                problems.append(ProviderError("Rule id \"\(id)\" is used twice; ids must be unique.", attributePath: "\(path).id"))
            }
            if rules.count > 1, rule["priority"] == .null {
                problems.append(ProviderError("Set priority on every rule when there are several, so S3 knows which wins where they overlap.",
                                              attributePath: path))
            }
            let destination = rule["destination"]
            if let arn = destination["bucket"].stringValue, ARN.bucketName(arn) == nil {
                problems.append(ProviderError("The destination is a bucket ARN such as arn:aws:s3:::NAME, not \"\(arn)\".",
                                              attributePath: "\(path).destination.bucket"))
            }
            if destination["replication_time"]["status"] == .string("Enabled"), destination["metrics"]["status"] != .string("Enabled") {
                problems.append(ProviderError("Replication Time Control needs metrics: add destination.metrics (status Enabled).",
                                              attributePath: "\(path).destination.replication_time"))
            }
            if destination["access_control_translation"].mapValue != nil, destination["account"] == .null {
                problems.append(ProviderError("access_control_translation needs destination.account (the destination account id).",
                                              attributePath: "\(path).destination.access_control_translation"))
            }
            if !(rule["filter"]["tags"].mapValue ?? [:]).isEmpty, rule["delete_marker_replication"] == .string("Enabled") {
                problems.append(ProviderError("S3 does not replicate delete markers for rules filtered by tags; set delete_marker_replication to Disabled or filter by prefix only.",
                                              attributePath: "\(path).delete_marker_replication"))
            }
        }
        return problems
    }

    private static func rule(from value: Value) -> ReplicationRule {
        let destination = value["destination"]
        return ReplicationRule(
            id: value["id"].stringValue, priority: value["priority"].intValue, status: value["status"].stringValue ?? "Enabled",
            filter: S3Filter(prefix: value["filter"]["prefix"].stringValue, tags: Tags.strings(value["filter"]["tags"])),
            deleteMarkerReplication: value["delete_marker_replication"].stringValue,
            existingObjectReplication: value["existing_object_replication"].stringValue,
            sseKMSEncryptedObjects: value["sse_kms_encrypted_objects"].stringValue,
            destination: ReplicationDestination(
                bucketARN: destination["bucket"].stringValue ?? "", storageClass: destination["storage_class"].stringValue,
                account: destination["account"].stringValue, accessControlOwner: destination["access_control_translation"]["owner"].stringValue,
                metricsStatus: destination["metrics"]["status"].stringValue,
                metricsEventThresholdMinutes: destination["metrics"]["event_threshold_minutes"].intValue,
                replicationTimeStatus: destination["replication_time"]["status"].stringValue,
                replicationTimeMinutes: destination["replication_time"]["minutes"].intValue,
                replicaKMSKeyID: destination["replica_kms_key_id"].stringValue))
    }

    private static func value(of rule: ReplicationRule) -> Value {
        let destination = rule.destination
        func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
        func optional(_ number: Int?) -> Value { number.map { Value.number(Double($0)) } ?? .null }
        let filter: Value = .map(["prefix": optional(rule.filter.prefix), "tags": .map(rule.filter.tags.mapValues(Value.string))])
        return .map([
            "id": optional(rule.id), "priority": optional(rule.priority), "status": .string(rule.status), "filter": filter,
            "delete_marker_replication": optional(rule.deleteMarkerReplication),
            "existing_object_replication": optional(rule.existingObjectReplication),
            "sse_kms_encrypted_objects": optional(rule.sseKMSEncryptedObjects),
            "destination": .map([
                "bucket": .string(destination.bucketARN), "storage_class": optional(destination.storageClass),
                "account": optional(destination.account),
                "access_control_translation": destination.accessControlOwner.map { .map(["owner": .string($0)]) } ?? .null,
                "metrics": destination.metricsStatus.map {
                    .map(["status": .string($0), "event_threshold_minutes": optional(destination.metricsEventThresholdMinutes)])
                } ?? .null,
                "replication_time": destination.replicationTimeStatus.map {
                    .map(["status": .string($0), "minutes": optional(destination.replicationTimeMinutes)])
                } ?? .null,
                "replica_kms_key_id": optional(destination.replicaKMSKeyID),
            ]),
        ])
    }
}

extension S3BucketReplicationResource {
    /// Imported by bucket name; waits for both buckets (their versioning) and the role with its policies.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importing: AWSResourceKind.importing(by: "bucket"),
        ordering: { value in
            let destinations = (value["rule"].listValue ?? []).map { OrderingNames.name($0["destination"]["bucket"], ARN.bucketName) }
            return OrderingKeys(requires: OrderingNames.all([OrderingNames.name(value["bucket"]) { $0 }] + destinations, "s3:bucket:")
                                    + OrderingNames.all([OrderingNames.name(value["role"]) { ARN.iamName($0, kind: "role") }], "iam:role:"))
        },
        validate: validate,
        operations: { S3BucketReplicationResource(provider: $0) })
}
