import AWSClient
import TandemCore
import TandemEngine

/// `lifecycle_rule` entries of `aws_s3_bucket` and the client's lifecycle rules.
enum S3Lifecycle {
    static let transitionSchema = AttributeSchema(.list(.object([
        "days": AttributeSchema(.number, .required),
        "storage_class": AttributeSchema(.string, .required, description: "e.g. STANDARD_IA, GLACIER, DEEP_ARCHIVE."),
    ])), .optional, defaultValue: .list([]))

    static let ruleSchema: [String: AttributeSchema] = [
        "id": AttributeSchema(.string, .required),
        "enabled": AttributeSchema(.bool, .optional, defaultValue: .bool(true)),
        "prefix": AttributeSchema(.string, .optional, description: "Only keys starting with this."),
        "tags": AttributeSchema(.map(.string), .optional, defaultValue: .map([:]), description: "Only objects with all these tags."),
        "expiration_days": AttributeSchema(.number, .optional),
        "expired_object_delete_marker": AttributeSchema(.bool, .optional, description: "Remove delete markers with no versions left."),
        "noncurrent_version_expiration_days": AttributeSchema(.number, .optional),
        "abort_incomplete_multipart_upload_days": AttributeSchema(.number, .optional),
        "transition": transitionSchema,
        "noncurrent_version_transition": transitionSchema,
    ]

    /// A lifecycle configuration holds at most 1000 rules; rule ids are unique and at most 255 characters; filter
    /// tags follow the tag rules.
    static func check(_ path: String, in rules: inout ValueRules) {
        rules.count(path, "lifecycle rules", atMost: 1000)
        var ids: Set<String> = []
        for (index, rule) in (rules.value(at: path).listValue ?? []).enumerated() {
            let rulePath = "\(path)[\(index)]"
            rules.text("\(rulePath).id", "A lifecycle rule id", length: 0...255)
            if let id = rule["id"].stringValue, !ids.insert(id).inserted {
                rules.report("Lifecycle rule id \"\(ValueRules.excerpt(id))\" is used twice; ids must be unique.", at: "\(rulePath).id")
            }
            rules.tags("\(rulePath).tags")
        }
    }

    static func rule(from value: Value) -> LifecycleRule {
        func transitions(_ list: Value) -> [LifecycleTransition] {
            (list.listValue ?? []).map { LifecycleTransition(days: $0["days"].intValue ?? 0, storageClass: $0["storage_class"].stringValue ?? "") }
        }
        return LifecycleRule(
            id: value["id"].stringValue ?? "", status: value["enabled"] == .bool(false) ? "Disabled" : "Enabled",
            filter: S3Filter(prefix: value["prefix"].stringValue, tags: Tags.strings(value["tags"])),
            expirationDays: value["expiration_days"].intValue, expiredObjectDeleteMarker: value["expired_object_delete_marker"].boolValue,
            noncurrentVersionExpirationDays: value["noncurrent_version_expiration_days"].intValue,
            abortIncompleteMultipartUploadDays: value["abort_incomplete_multipart_upload_days"].intValue,
            transitions: transitions(value["transition"]), noncurrentVersionTransitions: transitions(value["noncurrent_version_transition"]))
    }

    static func value(of rule: LifecycleRule) -> Value {
        func number(_ value: Int?) -> Value { value.map { Value.number(Double($0)) } ?? .null }
        func transitions(_ list: [LifecycleTransition]) -> Value {
            .list(list.map { .map(["days": .number(Double($0.days)), "storage_class": .string($0.storageClass)]) })
        }
        return .map([
            "id": .string(rule.id), "enabled": .bool(rule.status == "Enabled"),
            "prefix": rule.filter.prefix.map(Value.string) ?? .null, "tags": .map(rule.filter.tags.mapValues(Value.string)),
            "expiration_days": number(rule.expirationDays),
            "expired_object_delete_marker": rule.expiredObjectDeleteMarker.map(Value.bool) ?? .null,
            "noncurrent_version_expiration_days": number(rule.noncurrentVersionExpirationDays),
            "abort_incomplete_multipart_upload_days": number(rule.abortIncompleteMultipartUploadDays),
            "transition": transitions(rule.transitions), "noncurrent_version_transition": transitions(rule.noncurrentVersionTransitions),
        ])
    }
}
