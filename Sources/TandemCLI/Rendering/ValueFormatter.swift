import TandemCore
import TandemEngine

/// Formats values for human output: strings quoted, collections inline and key-sorted.
enum ValueFormatter {
    /// `.unknown` anywhere inside shows as "(known after apply)".
    static func format(_ value: Value?) -> String {
        guard let value else { return "null" }
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return Value.format(number: n)
        case .string(let s): return s == Plan.sensitiveMarker.stringValue ? s : "\"\(s)\""
        case .unknown: return "(known after apply)"
        case .list(let items): return "[" + items.map { format($0) }.joined(separator: ", ") + "]"
        case .map(let entries):
            if entries.isEmpty { return "{}" }
            return "{ " + entries.sorted { $0.key < $1.key }.map { "\($0.key) = \(format($0.value))" }.joined(separator: ", ") + " }"
        }
    }
}

