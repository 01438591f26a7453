/// A boolean as radosgw-admin prints it: `"true"`/`"false"` in most objects, a JSON bool or 0/1 in some.
public struct RGWBool: Decodable, Equatable, Sendable {
    /// The value.
    public var value: Bool

    /// Decodes a string, bool or number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            value = bool
        } else if let number = try? container.decode(Int.self) {
            value = number != 0
        } else {
            value = try container.decode(String.self) == "true"
        }
    }
}

/// `radosgw-admin realm get`.
public struct RGWRealm: Decodable, Equatable, Sendable {
    /// The realm id.
    public var id: String
    /// The realm name.
    public var name: String
    /// The id of the committed period; empty before the first commit.
    public var currentPeriod: String
    /// Bumped by each commit.
    public var epoch: Int

    enum CodingKeys: String, CodingKey { case id, name, currentPeriod = "current_period", epoch }
}

/// `realm list`, `zonegroup list`, `zone list`: names and the default's id.
public struct RGWList: Decodable, Sendable {
    /// The id (for realms and zonegroups) or id (zones) of the default; empty when none.
    public var defaultInfo: String
    /// Names.
    public var names: [String]

    enum CodingKeys: String, CodingKey { case defaultInfo = "default_info", realms, zonegroups, zones }

    /// Decodes whichever list the command printed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        defaultInfo = try container.decodeIfPresent(String.self, forKey: .defaultInfo) ?? ""
        names = try container.decodeIfPresent([String].self, forKey: .realms)
            ?? container.decodeIfPresent([String].self, forKey: .zonegroups)
            ?? container.decodeIfPresent([String].self, forKey: .zones) ?? []
    }
}

/// A zone as the zonegroup (and so the period) lists it.
public struct RGWZoneGroupMember: Decodable, Equatable, Sendable {
    /// The zone id.
    public var id: String
    /// The zone name.
    public var name: String
    /// Where the zone's gateways answer.
    public var endpoints: [String]
    /// Read-only zones accept no writes.
    public var readOnly: RGWBool?

    enum CodingKeys: String, CodingKey { case id, name, endpoints, readOnly = "read_only" }
}

/// `radosgw-admin zonegroup get`, and each zonegroup of a period's map.
public struct RGWZoneGroup: Decodable, Equatable, Sendable {
    /// The zonegroup id.
    public var id: String
    /// The zonegroup name.
    public var name: String
    /// The name S3 clients use as the region.
    public var apiName: String
    /// Whether this is the realm's master zonegroup.
    public var isMaster: RGWBool
    /// Where the zonegroup's master zone answers.
    public var endpoints: [String]
    /// The id of the master zone; empty when none.
    public var masterZone: String
    /// The zones.
    public var zones: [RGWZoneGroupMember]
    /// The zonegroup's sync policy (groups with flows and pipes).
    public var syncPolicy: RGWSyncPolicy?
    /// The realm id.
    public var realmID: String

    enum CodingKeys: String, CodingKey {
        case id, name, apiName = "api_name", isMaster = "is_master", endpoints, masterZone = "master_zone", zones
        case syncPolicy = "sync_policy", realmID = "realm_id"
    }
}

/// `radosgw-admin zone get`: the zone's own parameters (not part of the period).
public struct RGWZone: Decodable, Equatable, Sendable {
    /// The zone id.
    public var id: String
    /// The zone name.
    public var name: String
    /// The keys the zone's gateways use to talk to other zones.
    public var systemKey: RGWKey
    /// The realm id.
    public var realmID: String

    enum CodingKeys: String, CodingKey { case id, name, systemKey = "system_key", realmID = "realm_id" }
}

/// An S3 key pair.
public struct RGWKey: Decodable, Equatable, Sendable {
    /// The access key id; empty when unset.
    public var accessKey: String
    /// The secret; empty when unset.
    public var secretKey: String

    enum CodingKeys: String, CodingKey { case accessKey = "access_key", secretKey = "secret_key" }
}

/// `radosgw-admin period get`.
public struct RGWPeriod: Decodable, Equatable, Sendable {
    /// The period id.
    public var id: String
    /// The period's epoch.
    public var epoch: Int
    /// The zonegroups as committed.
    public var zoneGroups: [RGWZoneGroup]

    enum CodingKeys: String, CodingKey { case id, epoch, periodMap = "period_map" }
    enum MapKeys: String, CodingKey { case zonegroups }

    /// Decodes the period and its map.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        epoch = try container.decode(Int.self, forKey: .epoch)
        zoneGroups = try container.nestedContainer(keyedBy: MapKeys.self, forKey: .periodMap).decode([RGWZoneGroup].self, forKey: .zonegroups)
    }
}
