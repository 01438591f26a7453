/// A multisite sync policy: groups of flows (which zones may sync) and pipes (what syncs).
public struct RGWSyncPolicy: Decodable, Equatable, Sendable {
    /// The groups.
    public var groups: [RGWSyncGroup]
}

/// `radosgw-admin sync group get`.
public struct RGWSyncGroup: Decodable, Equatable, Sendable {
    /// The group id.
    public var id: String
    /// `enabled`, `allowed` or `forbidden`.
    public var status: String
    /// The flows.
    public var dataFlow: RGWDataFlow
    /// The pipes.
    public var pipes: [RGWSyncPipe]

    enum CodingKeys: String, CodingKey { case id, status, dataFlow = "data_flow", pipes }
}

/// The flows of a sync group.
public struct RGWDataFlow: Decodable, Equatable, Sendable {
    /// Zones that sync with each other.
    public var symmetrical: [RGWSymmetricalFlow]
    /// One-way flows.
    public var directional: [RGWDirectionalFlow]

    enum CodingKeys: String, CodingKey { case symmetrical, directional }

    /// Decodes an object whose lists may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        symmetrical = try container.decodeIfPresent([RGWSymmetricalFlow].self, forKey: .symmetrical) ?? []
        directional = try container.decodeIfPresent([RGWDirectionalFlow].self, forKey: .directional) ?? []
    }
}

/// A symmetrical flow: every listed zone syncs from every other.
public struct RGWSymmetricalFlow: Decodable, Equatable, Sendable {
    /// The flow id.
    public var id: String
    /// The zones.
    public var zones: [String]
}

/// A directional flow (it has no id of its own: radosgw-admin identifies it by its zones).
public struct RGWDirectionalFlow: Decodable, Equatable, Sendable {
    /// The zone data comes from.
    public var sourceZone: String
    /// The zone data goes to.
    public var destZone: String

    enum CodingKeys: String, CodingKey { case sourceZone = "source_zone", destZone = "dest_zone" }
}

/// A pipe: which buckets of which zones sync to which.
public struct RGWSyncPipe: Decodable, Equatable, Sendable {
    /// The pipe id.
    public var id: String
    /// Where data comes from.
    public var source: RGWPipeEnd
    /// Where data goes.
    public var dest: RGWPipeEnd
    /// Only keys with this prefix, when set.
    public var prefix: String?

    enum CodingKeys: String, CodingKey { case id, source, dest, params }
    enum ParamsKeys: String, CodingKey { case source }
    enum SourceKeys: String, CodingKey { case filter }
    enum FilterKeys: String, CodingKey { case prefix }

    /// Decodes the pipe and its prefix filter.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        source = try container.decode(RGWPipeEnd.self, forKey: .source)
        dest = try container.decode(RGWPipeEnd.self, forKey: .dest)
        let filter = try? container.nestedContainer(keyedBy: ParamsKeys.self, forKey: .params)
            .nestedContainer(keyedBy: SourceKeys.self, forKey: .source)
            .nestedContainer(keyedBy: FilterKeys.self, forKey: .filter)
        prefix = try filter?.decodeIfPresent(String.self, forKey: .prefix)
    }
}

/// One end of a pipe.
public struct RGWPipeEnd: Decodable, Equatable, Sendable {
    /// The bucket, or `*`.
    public var bucket: String?
    /// The zones, or `["*"]`.
    public var zones: [String]?
}
