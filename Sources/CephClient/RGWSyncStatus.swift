import Foundation

/// `radosgw-admin sync status` as fields. The command prints text only (no JSON in Pacific); this reads the lines
/// that matter and keeps the rest out.
public struct RGWSyncStatus: Equatable, Sendable {
    /// The realm name.
    public var realm = ""
    /// The zonegroup name.
    public var zoneGroup = ""
    /// The zone the status is about.
    public var zone = ""
    /// True on the metadata master zone (it does not sync metadata from anywhere).
    public var isMetadataMaster = false
    /// Metadata shards not yet synced from the master.
    public var metadataBehindShards = 0
    /// One entry per zone this zone syncs data from.
    public var sources: [Source] = []

    /// Data sync from one source zone.
    public struct Source: Equatable, Sendable {
        /// The source zone's name.
        public var zone: String
        /// `syncing`, `init`, … as printed.
        public var state = ""
        /// Shards with changes not yet applied.
        public var behindShards = 0
        /// Shards retrying after errors.
        public var recoveringShards = 0
        /// True when the zone printed "data is caught up with source".
        public var caughtUp = false

        /// Creates a source entry.
        public init(zone: String, state: String = "", behindShards: Int = 0, recoveringShards: Int = 0, caughtUp: Bool = false) {
            self.zone = zone
            self.state = state
            self.behindShards = behindShards
            self.recoveringShards = recoveringShards
            self.caughtUp = caughtUp
        }
    }

    /// True when metadata and every data source are caught up.
    public var isCaughtUp: Bool {
        metadataBehindShards == 0 && sources.allSatisfy { $0.caughtUp && $0.behindShards == 0 }
    }

    /// Parses the command's output.
    public init(parsing text: String) {
        var inData = false
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("realm ") { realm = Self.parenthesised(line) }
            else if line.hasPrefix("zonegroup ") { zoneGroup = Self.parenthesised(line) }
            else if line.hasPrefix("zone ") { zone = Self.parenthesised(line) }
            else if line.hasPrefix("metadata sync") { inData = false; isMetadataMaster = line.contains("zone is master") }
            else if line.hasPrefix("data sync source:") {
                inData = true
                sources.append(Source(zone: Self.parenthesised(line)))
            } else if let shards = Self.count(in: line, after: "is behind on ") {
                if inData, !sources.isEmpty { sources[sources.count - 1].behindShards = shards } else { metadataBehindShards = shards }
            } else if inData, !sources.isEmpty {
                if line.hasPrefix("data is caught up") { sources[sources.count - 1].caughtUp = true }
                else if let shards = Self.count(in: line, before: " shards are recovering") { sources[sources.count - 1].recoveringShards = shards }
                else if sources[sources.count - 1].state.isEmpty, !line.contains(":") { sources[sources.count - 1].state = line }
            }
        }
    }

    /// `ID (name)` -> `name`.
    private static func parenthesised(_ line: String) -> String {
        guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { return "" }
        return String(line[line.index(after: open)..<close])
    }

    private static func count(in line: String, after marker: String) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    private static func count(in line: String, before marker: String) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        return Int(String(line[..<range.lowerBound].reversed().prefix { $0.isNumber }.reversed()))
    }
}
