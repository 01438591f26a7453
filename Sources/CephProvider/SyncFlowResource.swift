import CephClient
import TandemCore
import TandemEngine

/// `ceph_sync_flow`: which zones may sync within a sync group: symmetrical (every listed zone from every other) or
/// directional (one source zone to one destination zone).
struct SyncFlowResource: CephResource {
    static let typeName = "ceph_sync_flow"
    static let importPath: [String] = []

    static let schema = ResourceSchema(attributes: SyncPolicyScope.attributes.merging([
        "flow_id": AttributeSchema(.string, .required, forcesReplacement: true),
        "type": AttributeSchema(.string, .required, forcesReplacement: true, allowedValues: ["symmetrical", "directional"]),
        "zones": AttributeSchema(.list(.string), .optional, forcesReplacement: true, description: "The zones of a symmetrical flow."),
        "source_zone": AttributeSchema(.string, .optional, forcesReplacement: true, description: "Where a directional flow comes from."),
        "dest_zone": AttributeSchema(.string, .optional, forcesReplacement: true, description: "Where a directional flow goes."),
    ]) { $1 }, description: "A flow of a multisite sync group")

    let provider: ConfiguredCephProvider

    /// A symmetrical flow needs zones; a directional one a source and a destination.
    static func validate(_ configuration: Value) -> [ProviderError] {
        switch configuration["type"].stringValue {
        case "symmetrical" where configuration["zones"].isNull:
            return [ProviderError("A symmetrical flow needs zones", attributePath: "zones")]
        case "directional" where configuration["source_zone"].isNull || configuration["dest_zone"].isNull:
            return [ProviderError("A directional flow needs source_zone and dest_zone", attributePath: configuration["source_zone"].isNull ? "source_zone" : "dest_zone")]
        default:
            return []
        }
    }

    func read(current: Value) async throws -> Value? {
        let scope = SyncPolicyScope(provider: provider, value: current)
        guard let group = try await scope.group() else { return nil }
        var value = scope.readBack.merging(["flow_id": current["flow_id"], "type": current["type"]]) { $1 }
        if current["type"].stringValue == "directional" {
            // Directional flows have no id in radosgw-admin's output: they are known by their zones.
            guard group.dataFlow.directional.contains(where: { $0.sourceZone == current["source_zone"].stringValue && $0.destZone == current["dest_zone"].stringValue })
            else { return nil }
            value.merge(["source_zone": current["source_zone"], "dest_zone": current["dest_zone"], "zones": .null]) { $1 }
        } else {
            guard let flow = group.dataFlow.symmetrical.first(where: { $0.id == current["flow_id"].stringValue }) else { return nil }
            value.merge(["zones": .list(flow.zones.map(Value.string)), "source_zone": .null, "dest_zone": .null]) { $1 }
        }
        return .map(value)
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        try await SyncPolicyScope(provider: provider, value: planned).change(["flow", "create"] + flowArguments(planned), progress: progress)
        return try await readBack(planned, what: "Sync flow \(planned["flow_id"].stringValue ?? "")")
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        // Every attribute forces replacement.
        try await readBack(planned, what: "Sync flow \(planned["flow_id"].stringValue ?? "")")
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        guard try await read(current: prior) != nil else { return }
        try await SyncPolicyScope(provider: provider, value: prior).change(["flow", "remove"] + flowArguments(prior), progress: progress)
    }

    private func flowArguments(_ value: Value) -> [String] {
        var arguments = ["--flow-id=\(value["flow_id"].stringValue ?? "")", "--flow-type=\(value["type"].stringValue ?? "")"]
        if value["type"].stringValue == "directional" {
            arguments += ["--source-zone=\(value["source_zone"].stringValue ?? "")", "--dest-zone=\(value["dest_zone"].stringValue ?? "")"]
        } else {
            arguments.append("--zones=\(ZoneGroupResource.joined(value["zones"]))")
        }
        return arguments
    }
}
