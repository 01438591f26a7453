import TandemCore

/// Computes attribute-level differences between two attribute objects of one schema.
public enum AttributeDiff {
    /// The attributes that differ between `before` and `after`, descending into nested blocks; sorted by path.
    public static func changes(before: Value?, after: Value?, attributes: [String: AttributeSchema], prefix: String = "") -> [AttributeChange] {
        var result: [AttributeChange] = []
        let beforeMap = before?.mapValue ?? [:]
        let afterMap = after?.mapValue ?? [:]
        // The names of either side and of the schema, each once (without building three sets per resource).
        var names = Array(attributes.keys)
        for name in afterMap.keys where attributes[name] == nil { names.append(name) }
        for name in beforeMap.keys where attributes[name] == nil && afterMap[name] == nil { names.append(name) }
        names.sort()
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
                // A whole block added or removed shows as its leaf attributes.
                result += inheriting(attribute, changes(before: old == .null ? nil : old, after: new == .null ? nil : new, attributes: nested, prefix: path))
                continue
            }
            // A document shows per field (`manifest.spec.zone.name`), as deep as both sides are maps.
            if attribute?.type == .document, old?.mapValue != nil || new?.mapValue != nil,
               old == nil || old == .null || old?.mapValue != nil, new == nil || new == .null || new?.mapValue != nil {
                let fields = Set((old?.mapValue ?? [:]).keys).union((new?.mapValue ?? [:]).keys).reduce(into: [String: AttributeSchema]()) {
                    $0[$1] = AttributeSchema(.document, .optional, sensitive: attribute?.sensitive ?? false)
                }
                result += inheriting(attribute, changes(before: old == .null ? nil : old, after: new == .null ? nil : new, attributes: fields, prefix: path))
                continue
            }
            // Lists of blocks of unchanged length show per element and attribute (`rule[0].status`).
            if case .list(.object(let nested))? = attribute?.type, let oldItems = old?.listValue, let newItems = new?.listValue,
               oldItems.count == newItems.count {
                for (index, (oldItem, newItem)) in zip(oldItems, newItems).enumerated() where oldItem != newItem {
                    result += inheriting(attribute, changes(before: oldItem, after: newItem, attributes: nested, prefix: "\(path)[\(index)]"))
                }
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

    /// Nested changes marked as forcing replacement or sensitive when their enclosing attribute is.
    private static func inheriting(_ attribute: AttributeSchema?, _ changes: [AttributeChange]) -> [AttributeChange] {
        changes.map { change in
            var change = change
            change.forcesReplacement = change.forcesReplacement || (attribute?.forcesReplacement ?? false)
            change.sensitive = change.sensitive || (attribute?.sensitive ?? false)
            return change
        }
    }
}
