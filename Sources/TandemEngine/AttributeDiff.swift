import TandemCore

/// Computes attribute-level differences between two attribute objects of one schema.
public enum AttributeDiff {
    /// The attributes that differ between `before` and `after`, descending into nested blocks; sorted by path.
    public static func changes(before: Value?, after: Value?, attributes: [String: AttributeSchema], prefix: String = "") -> [AttributeChange] {
        var result: [AttributeChange] = []
        let beforeMap = before?.mapValue ?? [:]
        let afterMap = after?.mapValue ?? [:]
        let names = Set(beforeMap.keys).union(afterMap.keys).union(attributes.keys).sorted()
        for name in names {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            let attribute = attributes[name]
            let old = before == nil ? nil : (beforeMap[name] ?? .null)
            let new = after == nil ? nil : (after == .unknown ? .unknown : (afterMap[name] ?? .null))
            if old == new { continue }
            if old == nil, new == .null { continue }
            if new == nil, old == .null { continue }
            if case .object(let nested)? = attribute?.type,
               old?.mapValue != nil || new?.mapValue != nil,
               old == nil || old == .null || old?.mapValue != nil,
               new == nil || new == .null || new?.mapValue != nil {
                let nestedChanges = changes(before: old == .null ? nil : old, after: new == .null ? nil : new, attributes: nested, prefix: path)
                // A whole block added or removed shows as its leaf attributes; mark replacement from the block too.
                result.append(contentsOf: nestedChanges.map { change in
                    var change = change
                    change.forcesReplacement = change.forcesReplacement || (attribute?.forcesReplacement ?? false)
                    change.sensitive = change.sensitive || (attribute?.sensitive ?? false)
                    return change
                })
                continue
            }
            let parts = new?.knownParts
            result.append(AttributeChange(
                path: path,
                before: old,
                after: parts?.known,
                afterUnknown: parts?.unknownMask ?? .bool(false),
                sensitive: attribute?.sensitive ?? false,
                forcesReplacement: (attribute?.forcesReplacement ?? false) && old != nil && new != nil))
        }
        return result
    }
}
