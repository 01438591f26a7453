import CephClient
import TandemCore
import TandemEngine

/// `ceph_sync_status`: `radosgw-admin sync status` of one zone as fields, for outputs and drift jobs that ask
/// "is the secondary caught up?".
enum SyncStatusDataSource {
    static let typeName = "ceph_sync_status"

    static let schema = ResourceSchema(attributes: [
        "zone": AttributeSchema(.string, .optional, description: "The zone to ask about; the default zone when unset."),
        "realm": AttributeSchema(.string, .optional, description: "The realm; the default realm when unset."),
        "zonegroup": AttributeSchema(.string, .computed),
        "metadata_master": AttributeSchema(.bool, .computed, description: "The zone is the metadata master (syncs metadata from nowhere)."),
        "metadata_behind_shards": AttributeSchema(.number, .computed),
        "data_sources": AttributeSchema(.list(.object([
            "zone": AttributeSchema(.string, .computed),
            "state": AttributeSchema(.string, .computed),
            "behind_shards": AttributeSchema(.number, .computed),
            "recovering_shards": AttributeSchema(.number, .computed),
            "caught_up": AttributeSchema(.bool, .computed),
        ])), .computed, description: "Data sync from each zone this zone syncs from."),
        "caught_up": AttributeSchema(.bool, .computed, description: "Metadata and every data source are caught up."),
    ], description: "radosgw-admin sync status")

    static func read(_ arguments: Value, admin: RadosGWAdmin) async throws -> Value {
        var command = ["sync", "status"]
        if let zone = arguments["zone"].stringValue { command.append("--rgw-zone=\(zone)") }
        if let realm = arguments["realm"].stringValue { command.append("--rgw-realm=\(realm)") }
        let status = RGWSyncStatus(parsing: String(decoding: try await admin.run(command), as: UTF8.self))
        guard !status.zone.isEmpty else { throw ProviderError("radosgw-admin sync status named no zone; is this cluster part of a realm?") }
        return .map([
            "zone": .string(status.zone), "realm": .string(status.realm), "zonegroup": .string(status.zoneGroup),
            "metadata_master": .bool(status.isMetadataMaster), "metadata_behind_shards": .number(Double(status.metadataBehindShards)),
            "data_sources": .list(status.sources.map { source in
                .map([
                    "zone": .string(source.zone), "state": .string(source.state), "behind_shards": .number(Double(source.behindShards)),
                    "recovering_shards": .number(Double(source.recoveringShards)), "caught_up": .bool(source.caughtUp),
                ])
            }),
            "caught_up": .bool(status.isCaughtUp),
        ])
    }
}
