import CephClient
import TandemCore
import TandemEngine

/// `ceph_sync_group`: a multisite sync policy group (`radosgw-admin sync group`), zonegroup-wide or for one bucket.
struct SyncGroupResource: CephResource {
    static let typeName = "ceph_sync_group"
    static let importPath: [String] = ["realm", "zonegroup", "group_id"]

    static let schema = ResourceSchema(attributes: SyncPolicyScope.attributes.merging([
        "status": AttributeSchema(.string, .required, allowedValues: ["enabled", "allowed", "forbidden"],
                                  description: "enabled: sync what the pipes say; allowed: permit bucket policies to; forbidden: no sync."),
    ]) { $1 }, description: "A multisite sync policy group")

    let provider: ConfiguredCephProvider

    func read(current: Value) async throws -> Value? {
        let scope = SyncPolicyScope(provider: provider, value: current)
        guard let group = try await scope.group() else { return nil }
        return .map(scope.readBack.merging(["status": .string(group.status)]) { $1 })
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let scope = SyncPolicyScope(provider: provider, value: planned)
        if try await scope.group() != nil {
            throw ProviderError("Sync group \(planned["group_id"].stringValue ?? "") already exists and is not managed by this state.", attributePath: "group_id")
        }
        try await progress.willCreate()
        try await scope.change(["create", "--status=\(planned["status"].stringValue ?? "")"], progress: progress)
        return try await readBack(planned, what: "Sync group \(planned["group_id"].stringValue ?? "")")
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await SyncPolicyScope(provider: provider, value: planned).change(["modify", "--status=\(planned["status"].stringValue ?? "")"], progress: progress)
        return try await readBack(planned, what: "Sync group \(planned["group_id"].stringValue ?? "")")
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let scope = SyncPolicyScope(provider: provider, value: prior)
        guard try await scope.group() != nil else { return }
        try await scope.change(["remove"], progress: progress)
    }
}
