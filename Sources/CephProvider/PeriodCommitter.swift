import CephClient
import TandemEngine

/// Commits the realm's period when (and only when) the staged zonegroups (with their zones' endpoints and sync
/// policy) differ from the committed ones, and only while the master zonegroup has a master zone to commit from.
struct PeriodCommitter: Sendable {
    let admin: RadosGWAdmin

    /// Commits when needed; reports what it did through `progress`.
    func commitIfNeeded(realm: String?, progress: ProgressReporter) async throws {
        let realmArguments = realm.map { ["--rgw-realm=\($0)"] } ?? []
        guard let staged = try await stagedZoneGroups(realmArguments), !staged.isEmpty,
              let master = staged.first(where: { $0.isMaster.value }),
              // Nothing to commit from until the master zone exists (or after it was removed, when tearing down).
              let masterZone = master.zones.first(where: { $0.id == master.masterZone })?.name else { return }
        let committed = try await admin.jsonIfExists(["period", "get"] + realmArguments, as: RGWPeriod.self)
        if let committed, Self.sameZoneGroups(committed.zoneGroups, staged) { return }
        // Run as the master zone when it lives on this cluster; otherwise as a local zone of the zonegroup, and
        // radosgw-admin forwards the commit to the master zone's endpoint with that zone's system key.
        let candidates = [masterZone] + master.zones.map(\.name).filter { $0 != masterZone }
        var zoneArguments: [String] = []
        for zone in candidates where try await admin.jsonIfExists(["zone", "get", "--rgw-zone=\(zone)"] + realmArguments, as: RGWZone.self) != nil {
            zoneArguments = ["--rgw-zone=\(zone)"]
            break
        }
        progress("committing the period of realm \(realm ?? "(default)")")
        try await admin.run(["period", "update", "--commit"] + realmArguments + zoneArguments)
    }

    private func stagedZoneGroups(_ realmArguments: [String]) async throws -> [RGWZoneGroup]? {
        guard let realm = try await admin.jsonIfExists(["realm", "get"] + realmArguments, as: RGWRealm.self),
              let list = try await admin.jsonIfExists(["zonegroup", "list"] + realmArguments, as: RGWList.self) else { return nil }
        var groups: [RGWZoneGroup] = []
        for name in list.names {
            // The list names every zonegroup in the cluster's root pool (the pre-multisite "default" one too).
            if let group = try await admin.jsonIfExists(["zonegroup", "get", "--rgw-zonegroup=\(name)"] + realmArguments, as: RGWZoneGroup.self),
               group.realmID == realm.id {
                groups.append(group)
            }
        }
        return groups
    }

    static func sameZoneGroups(_ committed: [RGWZoneGroup], _ staged: [RGWZoneGroup]) -> Bool {
        func normalised(_ groups: [RGWZoneGroup]) -> [RGWZoneGroup] {
            groups.map { group in
                var group = group
                group.zones.sort { $0.id < $1.id }
                return group
            }.sorted { $0.id < $1.id }
        }
        return normalised(committed) == normalised(staged)
    }
}
