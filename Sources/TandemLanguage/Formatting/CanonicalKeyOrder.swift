/// The order `tandem fmt` gives the keys of the blocks that have a conventional order. Keys a rule does not name
/// keep their source order, after the named ones (and before the ones it puts last).
enum CanonicalKeyOrder {
    /// A rule: the keys that come first, in this order, and those that come last.
    struct Rule {
        /// Keys placed first, in this order.
        var first: [String]
        /// Keys placed last, in this order.
        var last: [String] = []
    }

    static let topLevel = Rule(first: ConfigurationLoader.topLevelBlocks)
    static let variable = Rule(first: ["type", "description", "default", "sensitive", "validation"])
    static let validation = Rule(first: ["condition", "error_message"])
    static let resource = Rule(first: ["provider", "count", "for_each", "depends_on"], last: ["lifecycle"])
    static let module = Rule(first: ["source", "count", "for_each", "providers", "depends_on", "inputs"])
    static let output = Rule(first: ["value", "description", "sensitive"])

    /// The rule for the map at `path` (keys from the document root; `[]` steps into a list item), if any.
    static func rule(at path: [String], keys: [String]) -> Rule? {
        switch (path.count, path.first) {
        case (0, _): return topLevel
        case (2, "variables"): return variable
        case (2, "resources"), (2, "data"): return resource
        case (2, "modules"): return module
        case (2, "outputs") where keys.contains("value"): return output
        case (3, "variables") where path[2] == "validation": return validation
        case (4, "variables") where path[2] == "validation" && path[3] == "[]": return validation
        default: return nil
        }
    }

    /// `entries` in canonical order for the map at `path`; a stable sort, so unnamed keys keep their order.
    static func sorted(_ entries: [LayoutEntry], at path: [String]) -> [LayoutEntry] {
        guard let rule = rule(at: path, keys: entries.map(\.name)) else { return entries }
        func rank(_ name: String) -> Int {
            if let position = rule.first.firstIndex(of: name) { return position }
            if let position = rule.last.firstIndex(of: name) { return rule.first.count + 1 + position }
            return rule.first.count
        }
        return entries.enumerated()
            .sorted { (rank($0.element.name), $0.offset) < (rank($1.element.name), $1.offset) }
            .map(\.element)
    }
}
