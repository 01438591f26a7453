/// Which objects a lifecycle or replication rule covers: a key prefix and tags, all of which must match.
public struct S3Filter: Sendable, Equatable {
    /// Key prefix; nil for any key.
    public var prefix: String?
    /// Tags an object must carry.
    public var tags: [String: String]

    /// Creates a filter; the default covers every object.
    public init(prefix: String? = nil, tags: [String: String] = [:]) {
        self.prefix = prefix
        self.tags = tags
    }

    /// `<Filter>`: empty, a single condition, or `<And>` around several. Tags are written sorted by key.
    var xml: XMLNode {
        let conditions = (prefix.map { [XMLNode("Prefix", text: $0)] } ?? [])
            + tags.sorted { $0.key < $1.key }.map { XMLNode("Tag", children: [XMLNode("Key", text: $0.key), XMLNode("Value", text: $0.value)]) }
        return XMLNode("Filter", children: conditions.count > 1 ? [XMLNode("And", children: conditions)] : conditions)
    }

    /// Parses `<Filter>` in any of its forms (or a V1 rule's bare `<Prefix>`); an empty prefix counts as none.
    init(xml filter: XMLNode?) {
        let scope = filter?.child("And") ?? filter
        let prefix = scope?.childText("Prefix")
        self.prefix = prefix?.isEmpty == false ? prefix : nil
        tags = (scope?.children(named: "Tag") ?? []).reduce(into: [:]) { tags, tag in
            if let key = tag.childText("Key") { tags[key] = tag.childText("Value") ?? "" }
        }
    }
}
