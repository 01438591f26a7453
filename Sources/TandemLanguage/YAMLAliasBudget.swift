import CYaml
import TandemCore

/// Measures what a YAML document's aliases would expand to, from libyaml's event stream, before anything is
/// composed: each alias is charged the node count and depth of its anchor, so an alias bomb (anchors repeating
/// anchors, 10^9 nodes from a few hundred bytes) is refused at the alias that crosses the budget, in time and memory
/// linear in the text. Composing (Yams) and converting share nothing once an alias is resolved, so without this
/// check they expand every alias in full.
enum YAMLAliasBudget {
    /// How many nodes aliases may add to a document in total (a document's own nodes are bounded by its size).
    static let maximumAliasedNodes = 100_000

    /// Why a document was refused, and the alias where it happened (1-based).
    struct Violation: Equatable {
        /// Line and column of the alias.
        var position: SourcePosition
        /// The alias's anchor name.
        var anchor: String
        /// True when the limit crossed is depth (`YAMLReader.maximumNesting`) rather than node count.
        var isDepth: Bool
    }

    /// The size and depth of a node once its aliases are expanded.
    private struct Extent {
        var nodes: Int
        var depth: Int
    }

    /// An open sequence or mapping: its anchor and what it holds so far.
    private struct Frame {
        var anchor: String?
        var extent = Extent(nodes: 1, depth: 1)
    }

    /// The first alias that takes the document past `maximumAliasedNodes` nodes or `maximumNesting` levels; nil when
    /// the document stays within both, or when libyaml cannot read it (composing reports that error).
    static func firstViolation(in text: String, maximumNesting: Int = YAMLReader.maximumNesting) -> Violation? {
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { return nil }
        return utf8.withUnsafeMutableBufferPointer { buffer -> Violation? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var anchors: [String: Extent] = [:]
            var stack: [Frame] = []
            var aliased = 0

            /// Adds a finished child to its parent (or ends a document at the top).
            func add(_ extent: Extent) {
                guard !stack.isEmpty else { return }
                stack[stack.count - 1].extent.nodes += extent.nodes
                stack[stack.count - 1].extent.depth = max(stack[stack.count - 1].extent.depth, extent.depth + 1)
            }

            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    let extent = Extent(nodes: 1, depth: 0)
                    if let anchor = string(event.data.scalar.anchor) { anchors[anchor] = extent }
                    add(extent)
                case YAML_SEQUENCE_START_EVENT:
                    stack.append(Frame(anchor: string(event.data.sequence_start.anchor)))
                case YAML_MAPPING_START_EVENT:
                    stack.append(Frame(anchor: string(event.data.mapping_start.anchor)))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = stack.popLast() else { return nil }
                    if let anchor = frame.anchor { anchors[anchor] = frame.extent }
                    add(frame.extent)
                case YAML_ALIAS_EVENT:
                    let name = string(event.data.alias.anchor) ?? ""
                    // An undefined alias is Yams's to report.
                    guard let extent = anchors[name] else { return nil }
                    let position = SourcePosition(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                    aliased += extent.nodes
                    if aliased > maximumAliasedNodes {
                        return Violation(position: position, anchor: name, isDepth: false)
                    }
                    if stack.count + extent.depth > maximumNesting {
                        return Violation(position: position, anchor: name, isDepth: true)
                    }
                    add(extent)
                default:
                    continue
                }
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
