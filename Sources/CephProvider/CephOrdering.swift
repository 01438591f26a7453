import TandemCore
import TandemEngine

/// The order RGW multisite needs whether or not the configuration refers from one resource to the other: a
/// zonegroup's master zone before its secondary zones (the seed's "second zone after the first commit") and before
/// any sync policy (radosgw-admin cannot even read a policy of a zonegroup without zones), the zones a flow names
/// before the flow, and a sync group before its flows and pipes. Deletes run in reverse.
enum CephOrdering {
    static func keys(type: String, value: Value) -> OrderingKeys {
        let group = value["zonegroup"].containsUnknown ? "*" : value["zonegroup"].stringValue ?? ""
        func zones(_ names: [Value]) -> [String] {
            names.map { $0.containsUnknown ? "ceph:zone:\(group)/*" : "ceph:zone:\(group)/\($0.stringValue ?? "")" }
        }
        let syncGroup = "ceph:sync-group:\(group)/\(value["group_id"].stringValue ?? "*")"
        switch type {
        case ZoneResource.typeName:
            let zone = zones([value["name"]])
            return value["master"] == .bool(true)
                ? OrderingKeys(provides: zone + ["ceph:master-zone:\(group)"])
                : OrderingKeys(provides: zone, requires: ["ceph:master-zone:\(group)"])
        case SyncGroupResource.typeName:
            return OrderingKeys(provides: [syncGroup], requires: ["ceph:master-zone:\(group)"])
        case SyncFlowResource.typeName:
            let named = value["type"].stringValue == "directional" ? [value["source_zone"], value["dest_zone"]] : value["zones"].listValue ?? []
            return OrderingKeys(requires: [syncGroup, "ceph:master-zone:\(group)"] + zones(named))
        case SyncPipeResource.typeName:
            let named = ((value["source_zones"].listValue ?? []) + (value["dest_zones"].listValue ?? [])).filter { $0 != .string("*") }
            return OrderingKeys(requires: [syncGroup, "ceph:master-zone:\(group)"] + zones(named))
        default:
            return OrderingKeys()
        }
    }
}
