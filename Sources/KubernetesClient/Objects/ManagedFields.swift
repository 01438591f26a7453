import Foundation
import TandemCore

/// The fields one field manager owns in an object, from its `metadata.managedFields` entry (`fieldsType: FieldsV1`),
/// and the part of an object made of exactly those fields.
///
/// FieldsV1 is a tree whose keys are `f:NAME` (a field), `k:{"key":"value"}` (the list item with those keys),
/// `v:VALUE` (the set item equal to VALUE), `i:N` (the list item at N) and `.` (the node itself).
public struct ManagedFields: Sendable, Equatable {
    let tree: Value

    /// The fields `manager` set by apply in `object`; nil when it manages none.
    public init?(of object: Value, manager: String) {
        let entries = (object["metadata"]["managedFields"].listValue ?? []).filter {
            $0["manager"].stringValue == manager && $0["operation"].stringValue == "Apply" && $0["fieldsType"].stringValue == "FieldsV1"
        }
        guard !entries.isEmpty else { return nil }
        tree = entries.map { $0["fieldsV1"] }.reduce(Value.map([:]), Self.merge)
    }

    private static func merge(_ left: Value, _ right: Value) -> Value {
        guard case .map(var entries) = left, case .map(let others) = right else { return right }
        for (key, value) in others { entries[key] = entries[key].map { merge($0, value) } ?? value }
        return .map(entries)
    }

    /// `object` reduced to the managed fields (with `apiVersion` and `kind`, and of the metadata only what the
    /// manager set: name, namespace, labels, annotations it applied).
    public func project(_ object: Value) -> Value {
        var projected = Self.project(object, tree) ?? .map([:])
        if case .map(var entries) = projected {
            entries["apiVersion"] = object["apiVersion"]
            entries["kind"] = object["kind"]
            var metadata = entries["metadata"]?.mapValue ?? [:]
            metadata["name"] = object["metadata"]["name"]
            if let namespace = object["metadata"]["namespace"].stringValue { metadata["namespace"] = .string(namespace) }
            entries["metadata"] = .map(metadata)
            projected = .map(entries)
        }
        return projected
    }

    private static func project(_ value: Value, _ fields: Value) -> Value? {
        guard case .map(let children) = fields else { return value }
        let named = children.filter { $0.key != "." }
        if named.isEmpty { return value }
        switch value {
        case .map(let entries):
            var result: [String: Value] = [:]
            for (key, subfields) in named where key.hasPrefix("f:") {
                let name = String(key.dropFirst(2))
                guard let child = entries[name] else { continue }
                if let projected = project(child, subfields) { result[name] = projected }
            }
            return .map(result)
        case .list(let items):
            var selected: [(Int, Value)] = []
            for (key, subfields) in named {
                for (index, item) in items.enumerated() where Self.selects(key, item: item, index: index) {
                    if let projected = project(item, subfields) { selected.append((index, projected)) }
                }
            }
            return .list(selected.sorted { $0.0 < $1.0 }.map(\.1))
        default:
            return value
        }
    }

    private static func selects(_ key: String, item: Value, index: Int) -> Bool {
        if key.hasPrefix("i:") { return Int(key.dropFirst(2)) == index }
        if key.hasPrefix("k:"), let wanted = try? Value(jsonString: String(key.dropFirst(2))), case .map(let keys) = wanted {
            return keys.allSatisfy { Self.same(item[$0.key], $0.value) }
        }
        if key.hasPrefix("v:"), let wanted = try? Value(jsonString: String(key.dropFirst(2))) { return same(item, wanted) }
        return false
    }

    private static func same(_ left: Value, _ right: Value) -> Bool {
        if left == right { return true }
        if let a = left.numberValue, let b = right.numberValue { return a == b }
        return false
    }

    /// The managed field paths, for messages (`spec.zoneGroup`, `data.key`).
    public var paths: [String] {
        var result: [String] = []
        func walk(_ node: Value, _ prefix: String) {
            guard case .map(let children) = node else { return }
            let named = children.filter { $0.key != "." }
            if named.isEmpty, !prefix.isEmpty { result.append(prefix); return }
            for (key, child) in named.sorted(by: { $0.key < $1.key }) {
                let part = key.hasPrefix("f:") ? String(key.dropFirst(2)) : "[\(key.dropFirst(2))]"
                walk(child, key.hasPrefix("f:") ? (prefix.isEmpty ? part : prefix + "." + part) : prefix + part)
            }
        }
        walk(tree, "")
        return result
    }
}
