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
            let schema = attributes[name]
            let type = schema?.type
            let marks = Marks(sensitive: schema?.sensitive ?? false, forcesReplacement: schema?.forcesReplacement ?? false)
            let old = before == nil ? nil : (beforeMap[name] ?? .null)
            let new = after == nil ? nil : (after == .unknown ? .unknown : (afterMap[name] ?? .null))
            if old == new { continue }
            if old == nil, new == .null { continue }
            if new == nil, old == .null { continue }
            if case .object(let nested)? = type,
               old?.mapValue != nil || new?.mapValue != nil,
               old == nil || old == .null || old?.mapValue != nil,
               new == nil || new == .null || new?.mapValue != nil {
                // A whole block added or removed shows as its leaf attributes.
                result += inheriting(marks, changes(before: old == .null ? nil : old, after: new == .null ? nil : new, attributes: nested, prefix: path))
                continue
            }
            // A document shows per field (`manifest.spec.zone.name`), as deep as both sides are maps.
            if type == .document, old?.mapValue != nil || new?.mapValue != nil,
               old == nil || old == .null || old?.mapValue != nil, new == nil || new == .null || new?.mapValue != nil {
                let fields = Set((old?.mapValue ?? [:]).keys).union((new?.mapValue ?? [:]).keys).reduce(into: [String: AttributeSchema]()) {
                    $0[$1] = AttributeSchema(.document, .optional, sensitive: marks.sensitive)
                }
                result += inheriting(marks, changes(before: old == .null ? nil : old, after: new == .null ? nil : new, attributes: fields, prefix: path))
                continue
            }
            // Lists of blocks of unchanged length show per element and attribute (`rule[0].status`).
            if case .list(.object(let nested))? = type, let oldItems = old?.listValue, let newItems = new?.listValue,
               oldItems.count == newItems.count {
                for (index, (oldItem, newItem)) in zip(oldItems, newItems).enumerated() where oldItem != newItem {
                    result += inheriting(marks, changes(before: oldItem, after: newItem, attributes: nested, prefix: "\(path)[\(index)]"))
                }
                continue
            }
            let parts = new?.knownParts
            result.append(AttributeChange(
                path: path,
                before: old,
                after: parts?.known,
                afterUnknown: parts?.unknownMask ?? .bool(false),
                sensitive: marks.sensitive,
                forcesReplacement: marks.forcesReplacement && old != nil && new != nil))
        }
        return result
    }

    /// What an enclosing attribute passes on to the changes inside it.
    private struct Marks {
        var sensitive: Bool, forcesReplacement: Bool
    }

    /// Nested changes marked as forcing replacement or sensitive when their enclosing attribute is.
    private static func inheriting(_ marks: Marks, _ changes: [AttributeChange]) -> [AttributeChange] {
        guard marks.sensitive || marks.forcesReplacement else { return changes }
        return changes.map { change in
            var change = change
            change.forcesReplacement = change.forcesReplacement || marks.forcesReplacement
            change.sensitive = change.sensitive || marks.sensitive
            return change
        }
    }
}
