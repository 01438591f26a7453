import TandemCore

/// Renders a change of a policy document statement by statement (never as one escaped string): which statements are
/// added, removed or changed, and for a changed one, which elements.
struct PolicyChangeRenderer {
    let terminal: Terminal

    /// The lines for an attribute whose old or new value is a policy document; nil when neither is one.
    func render(name: String, before: Value?, after: Value?, indent: String) -> [String]? {
        guard PolicyDocument.isPolicy(before) || PolicyDocument.isPolicy(after) else { return nil }
        let old = PolicyDocument.isPolicy(before) ? before : nil
        let new = PolicyDocument.isPolicy(after) ? after : nil
        let changes = PolicyDocument.statementChanges(before: old, after: new)
        let glyph: String
        switch (old, new) {
        case (nil, _): glyph = terminal.styled("+", .green)
        case (_, nil): glyph = terminal.styled("-", .red)
        default: glyph = terminal.styled("~", .yellow)
        }
        let counts = [PolicyStatementChange.Kind.changed, .added, .removed].compactMap { kind -> String? in
            let count = changes.filter { $0.kind == kind }.count
            return count == 0 ? nil : "\(count) \(kind.rawValue)"
        }
        var lines = ["\(indent)\(glyph) \(name) = policy document (\(counts.isEmpty ? "statements unchanged" : counts.joined(separator: ", ") + " statement(s)"))"]
        let inner = indent + "    "
        if let old, let new, old["Version"] != new["Version"] {
            lines.append("\(inner)\(terminal.styled("~", .yellow)) Version = \(ValueFormatter.format(old["Version"])) -> \(ValueFormatter.format(new["Version"]))")
        } else if old == nil, let new {
            lines.append("\(inner)  Version = \(ValueFormatter.format(new["Version"]))")
        }
        // The Sid is in the label; the body shows the other elements.
        func body(_ statement: Value?) -> String {
            guard case .map(var elements)? = statement else { return ValueFormatter.format(statement) }
            elements["Sid"] = nil
            return ValueFormatter.format(.map(elements))
        }
        for change in changes {
            let label = change.sid.map { "statement \"\($0)\"" } ?? "statement"
            switch change.kind {
            case .added:
                lines.append("\(inner)\(terminal.styled("+", .green)) \(label) \(body(change.after))")
            case .removed:
                lines.append("\(inner)\(terminal.styled("-", .red)) \(label) \(body(change.before))")
            case .changed:
                lines.append("\(inner)\(terminal.styled("~", .yellow)) \(label)")
                for element in change.changedElements {
                    lines.append("\(inner)    \(element) = \(ValueFormatter.format(change.before?[element])) -> \(ValueFormatter.format(change.after?[element]))")
                }
            }
        }
        return lines
    }
}
