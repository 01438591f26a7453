/// Prints a `LayoutDocument` in the canonical style: two-space indentation, block maps and lists, one space after
/// `:` and before a trailing comment, runs of blank lines collapsed, one blank line between top-level blocks, keys
/// in `CanonicalKeyOrder`, scalars and flow collections exactly as written.
struct LayoutPrinter {
    private var lines: [String] = []
    /// Set after a `|+` scalar, whose trailing empty lines are content: a blank line there would change its value.
    private var afterKeptLines = false

    /// The canonical text of `document`: lines ending in one newline, or empty when there is nothing.
    static func print(_ document: LayoutDocument) -> String {
        var printer = LayoutPrinter()
        printer.document(document)
        while printer.lines.last == "", !printer.afterKeptLines { printer.lines.removeLast() }
        return printer.lines.isEmpty ? "" : printer.lines.joined(separator: "\n") + "\n"
    }

    private mutating func document(_ document: LayoutDocument) {
        trivia(document.prologue.map { $0.isEmpty ? .blank : .comment($0) }, indent: 0, isFirst: true)
        trivia(document.header, indent: 0, isFirst: lines.isEmpty)
        if document.header.contains(where: { $0 != .blank }) { blankLine() }
        switch document.root {
        case .empty:
            break
        case .text(let text):
            self.text(text, prefix: "", indent: 0, comment: document.rootComment)
        case .blockScalar(let scalar):
            emit(scalar.header + Self.suffix(document.rootComment), indent: 0)
            blockContent(scalar, parent: 0)
        case .mapping(let mapping):
            self.mapping(mapping, indent: 0, path: [], separated: true)
        case .sequence(let sequence):
            self.sequence(sequence, indent: 0, path: [])
        }
        trivia(document.trailing, indent: 0, isFirst: false)
    }

    // MARK: Blocks

    /// Prints a map at `indent`; `separated` puts one blank line between entries (the top-level blocks).
    private mutating func mapping(_ mapping: LayoutMapping, indent: Int, path: [String], separated: Bool) {
        for (position, entry) in CanonicalKeyOrder.sorted(mapping.entries, at: path).enumerated() {
            if separated, position > 0 { blankLine() }
            trivia(entry.leading, indent: indent, isFirst: position == 0)
            self.entry(entry, indent: indent, path: path + [entry.name])
        }
        trivia(mapping.trailing, indent: indent, isFirst: false)
    }

    private mutating func entry(_ entry: LayoutEntry, indent: Int, path: [String]) {
        let head = entry.key + ":"
        switch entry.value {
        case .empty:
            emit(head + Self.suffix(entry.comment), indent: indent)
        case .text(let text):
            self.text(text, prefix: head + " ", indent: indent, comment: entry.comment)
        case .blockScalar(let scalar):
            emit("\(head) \(scalar.header)\(Self.suffix(entry.comment))", indent: indent)
            blockContent(scalar, parent: indent)
        case .mapping(let mapping):
            emit(head + Self.suffix(entry.comment), indent: indent)
            self.mapping(mapping, indent: indent + 2, path: path, separated: false)
        case .sequence(let sequence):
            emit(head + Self.suffix(entry.comment), indent: indent)
            self.sequence(sequence, indent: indent + 2, path: path)
        }
    }

    private mutating func sequence(_ sequence: LayoutSequence, indent: Int, path: [String]) {
        for (position, item) in sequence.items.enumerated() {
            self.item(item, indent: indent, path: path + ["[]"], isFirst: position == 0)
        }
        trivia(sequence.trailing, indent: indent, isFirst: false)
    }

    /// Prints a list item; a map or list in it starts on the dash's line (`- key: value`), its first entry's comments
    /// moved above the dash.
    private mutating func item(_ item: LayoutItem, indent: Int, path: [String], isFirst: Bool) {
        switch item.value {
        case .mapping(var mapping) where item.comment == nil:
            mapping.entries = CanonicalKeyOrder.sorted(mapping.entries, at: path)
            let hoisted = mapping.entries[0].leading
            mapping.entries[0].leading = []
            trivia(item.leading + hoisted, indent: indent, isFirst: isFirst)
            let start = lines.count
            self.mapping(mapping, indent: indent + 2, path: path, separated: false)
            markDash(onLine: start, indent: indent)
        case .sequence(var sequence) where item.comment == nil:
            let hoisted = sequence.items[0].leading
            sequence.items[0].leading = []
            trivia(item.leading + hoisted, indent: indent, isFirst: isFirst)
            let start = lines.count
            self.sequence(sequence, indent: indent + 2, path: path)
            markDash(onLine: start, indent: indent)
        case .mapping(let mapping):
            trivia(item.leading, indent: indent, isFirst: isFirst)
            emit("-" + Self.suffix(item.comment), indent: indent)
            self.mapping(mapping, indent: indent + 2, path: path, separated: false)
        case .sequence(let sequence):
            trivia(item.leading, indent: indent, isFirst: isFirst)
            emit("-" + Self.suffix(item.comment), indent: indent)
            self.sequence(sequence, indent: indent + 2, path: path)
        case .empty:
            trivia(item.leading, indent: indent, isFirst: isFirst)
            emit("-" + Self.suffix(item.comment), indent: indent)
        case .text(let text):
            trivia(item.leading, indent: indent, isFirst: isFirst)
            self.text(text, prefix: "- ", indent: indent, comment: item.comment)
        case .blockScalar(let scalar):
            trivia(item.leading, indent: indent, isFirst: isFirst)
            emit("- \(scalar.header)\(Self.suffix(item.comment))", indent: indent)
            blockContent(scalar, parent: indent)
        }
    }

    /// Turns the indentation of line `line` (printed at `indent + 2`) into `indent` spaces and a dash.
    private mutating func markDash(onLine line: Int, indent: Int) {
        lines[line] = String(repeating: " ", count: indent) + "- " + lines[line].dropFirst(indent + 2)
    }

    // MARK: Values

    /// A scalar or flow collection after `prefix`; continuation lines keep their indentation relative to the key.
    private mutating func text(_ text: LayoutText, prefix: String, indent: Int, comment: String?) {
        let lastLine = text.continuation.count
        emit(prefix + text.firstLine + (lastLine == 0 ? Self.suffix(comment) : ""), indent: indent)
        for (number, line) in text.continuation.enumerated() {
            let content = line.text + (number + 1 == lastLine ? Self.suffix(comment) : "")
            if content.isEmpty {
                lines.append("")
            } else {
                emit(content, indent: max(0, indent + line.offset))
            }
        }
    }

    /// The content lines of a block scalar, two spaces deeper than its parent block (or as its indicator says).
    private mutating func blockContent(_ scalar: LayoutBlockScalar, parent: Int) {
        let indent = String(repeating: " ", count: parent + (scalar.explicitIndentation ?? 2))
        lines += scalar.lines.map { $0.isEmpty ? "" : indent + $0 }
        afterKeptLines = scalar.keepsTrailingLines
    }

    // MARK: Lines

    /// Comments at `indent` and blank lines, collapsed to one; none at the start of a block.
    private mutating func trivia(_ items: [LayoutTrivia], indent: Int, isFirst: Bool) {
        for item in isFirst ? Array(items.drop { $0 == .blank }) : items {
            switch item {
            case .blank: blankLine()
            case .comment(let text): emit(text, indent: indent)
            }
        }
    }

    private mutating func emit(_ text: String, indent: Int) {
        lines.append(String(repeating: " ", count: indent) + text)
        afterKeptLines = false
    }

    private mutating func blankLine() {
        guard !afterKeptLines, let last = lines.last, !last.isEmpty else { return }
        lines.append("")
    }

    private static func suffix(_ comment: String?) -> String {
        comment.map { " " + $0 } ?? ""
    }
}
