import CephClient
import TandemCore
import TandemEngine

/// What sync group, flow and pipe resources share: the group they belong to, whether the policy is the zonegroup's
/// (committed to the period) or one bucket's, and reading the group back.
struct SyncPolicyScope: Sendable {
    /// `group_id`, `bucket`, `zonegroup` and `realm`, the attributes every sync policy resource has.
    static let attributes: [String: AttributeSchema] = [
        // Named explicitly: radosgw-admin run in a realm without a zonegroup creates a second master zonegroup
        // "default", after which the period can no longer be committed.
        "zonegroup": AttributeSchema(.string, .required, forcesReplacement: true, description: "The zonegroup whose policy this is."),
        "group_id": AttributeSchema(.string, .required, forcesReplacement: true, description: "The sync group's id."),
        "bucket": AttributeSchema(.string, .optional, forcesReplacement: true, description: "A bucket-level policy for this bucket; the zonegroup's when unset."),
        "realm": AttributeSchema(.string, .optional, forcesReplacement: true, description: "The realm; the default realm when unset."),
    ]

    let provider: ConfiguredCephProvider
    let value: Value

    /// `--group-id`, `--bucket`, `--rgw-zonegroup` and `--rgw-realm` options.
    var arguments: [String] {
        var arguments = ["--group-id=\(value["group_id"].stringValue ?? "")", "--rgw-zonegroup=\(value["zonegroup"].stringValue ?? "")"]
        if let bucket = value["bucket"].stringValue { arguments.append("--bucket=\(bucket)") }
        if let realm = value["realm"].stringValue { arguments.append("--rgw-realm=\(realm)") }
        return arguments
    }

    /// The group as radosgw-admin shows it; nil when it does not exist.
    func group() async throws -> RGWSyncGroup? {
        try await provider.admin.jsonIfExists(["sync", "group", "get"] + arguments, as: RGWSyncGroup.self)
    }

    /// Runs a `sync group …` command, then commits the period when the zonegroup's policy changed.
    func change(_ command: [String], progress: ProgressReporter) async throws {
        try await provider.admin.run(["sync", "group"] + command + arguments)
        if value["bucket"].isNull {
            try await provider.period.commitIfNeeded(realm: value["realm"].stringValue, progress: progress)
        }
    }

    /// The scope's attributes as read back (carried from `value`).
    var readBack: [String: Value] {
        ["group_id": value["group_id"], "bucket": value["bucket"], "zonegroup": value["zonegroup"], "realm": value["realm"]]
    }
}
