/// Reads YAML source into a `LayoutDocument`, keeping every comment and the spelling of every scalar.
///
/// It expects text Yams has already accepted, so it only tells apart the shapes valid YAML can have. The few
/// constructs it does not lay out (anchors or tags on maps and lists, explicit keys, several documents) throw.
///
/// Comments are attached by indentation: comments before an entry belong to it; comments after the last entry of a
/// block that are indented at least as deep as the block end it; the rest belong to whatever follows.
struct LayoutParser {
    /// The source lines; the parser blanks out the dash of compact list items (`- key: value`) as it goes.
    var lines: [SourceLine]
    /// The current line.
    var index = 0

    private init(_ text: String) {
        lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .map { SourceLine(Array($0)) }
        // The final line break ends the last line; it does not start an empty one.
        if lines.last?.count == 0 { lines.removeLast() }
    }

    /// The layout of `text`.
    static func parse(_ text: String) throws -> LayoutDocument {
        var parser = LayoutParser(text)
        return try parser.document()
    }

    private mutating func document() throws -> LayoutDocument {
        var prologue: [String] = []
        var start = nextContent(from: 0)
        if start < lines.count, lines[start].isDocumentMarker {
            let marker = lines[start]
            let rest = marker.skippingWhitespace(from: 3)
            guard marker.characters[0] == "-", rest == marker.count || marker.characters[rest] == "#" else {
                throw LayoutError(line: start + 1, column: 1, reason: "The formatter supports `---` only alone on the first line.")
            }
            prologue = (0...start).map { lines[$0].text(from: 0) }
            index = start + 1
            start = nextContent(from: index)
        }
        if start < lines.count, lines[start].characters[lines[start].indentation] == "%" {
            throw LayoutError(line: start + 1, column: 1, reason: "YAML directives are not supported by the formatter.")
        }
        var header = trivia(upTo: start)
        guard start < lines.count else {
            return LayoutDocument(prologue: prologue, header: header, root: .empty, rootComment: nil, trailing: [])
        }
        let indent = lines[start].indentation
        var root: LayoutValue
        var rootComment: String?
        if try startsCollection(line: start, at: indent) {
            var leading = header
            header = Self.splitHeader(&leading)
            root = try collection(indent: indent, leading: leading)
        } else {
            (root, rootComment) = try inlineValue(line: start, column: indent, owner: 0, parent: -1)
        }
        let end = nextContent(from: index)
        guard end == lines.count else {
            let reason = lines[end].isDocumentMarker
                ? "The formatter supports one YAML document per file, with `---` only on its first line."
                : "The formatter cannot lay out this line."
            throw LayoutError(line: end + 1, column: lines[end].indentation + 1, reason: reason)
        }
        return LayoutDocument(prologue: prologue, header: header, root: root, rootComment: rootComment, trailing: trivia(upTo: end))
    }

    /// Splits the file's header off the first entry's comments: everything up to the last blank line stays at the
    /// top of the file when the entries are reordered.
    private static func splitHeader(_ leading: inout [LayoutTrivia]) -> [LayoutTrivia] {
        guard let blank = leading.lastIndex(of: .blank) else { return [] }
        let header = Array(leading[..<blank])
        leading = Array(leading[blank...])
        return header
    }

    // MARK: Blocks

    /// Parses the block map or list whose first line is the current one, at `indent`.
    private mutating func collection(indent: Int, leading: [LayoutTrivia]) throws -> LayoutValue {
        if lines[index].isSequenceItem(at: indent) {
            return .sequence(try sequence(indent: indent, leading: leading))
        }
        return .mapping(try mapping(indent: indent, leading: leading))
    }

    private mutating func mapping(indent: Int, leading: [LayoutTrivia]) throws -> LayoutMapping {
        var entries: [LayoutEntry] = []
        var leading = leading
        while true {
            var entry = try self.entry(indent: indent)
            entry.leading = leading + entry.leading
            entries.append(entry)
            let next = nextContent(from: index)
            guard next < lines.count, lines[next].indentation == indent, try key(line: next, at: indent) != nil else {
                return LayoutMapping(entries: entries, trailing: endOfBlock(indent: indent, next: next))
            }
            leading = trivia(upTo: next)
        }
    }

    private mutating func sequence(indent: Int, leading: [LayoutTrivia]) throws -> LayoutSequence {
        var items: [LayoutItem] = []
        var leading = leading
        while true {
            var item = try self.item(indent: indent)
            item.leading = leading + item.leading
            items.append(item)
            let next = nextContent(from: index)
            guard next < lines.count, lines[next].indentation == indent, lines[next].isSequenceItem(at: indent) else {
                return LayoutSequence(items: items, trailing: endOfBlock(indent: indent, next: next))
            }
            leading = trivia(upTo: next)
        }
    }

    /// The comments that end the block at `indent`: up to the last one indented at least as deep as the block (and
    /// deeper than the line that follows). The rest is left for the enclosing block.
    private mutating func endOfBlock(indent: Int, next: Int) -> [LayoutTrivia] {
        let threshold = max(indent, next < lines.count ? lines[next].indentation + 1 : 0)
        var split = index
        for line in index..<next where lines[line].isComment && lines[line].indentation >= threshold {
            split = line + 1
        }
        return trivia(upTo: split)
    }

    private mutating func entry(indent: Int) throws -> LayoutEntry {
        let line = lines[index]
        guard let (key, afterColon) = try key(line: index, at: indent) else {
            throw LayoutError(line: index + 1, column: indent + 1, reason: "The formatter expected a map key here.")
        }
        let start = line.skippingWhitespace(from: afterColon)
        guard start == line.count || line.characters[start] == "#" else {
            let (value, comment) = try inlineValue(line: index, column: start, owner: indent, parent: indent)
            return LayoutEntry(leading: [], key: key, comment: comment, value: value)
        }
        let keyComment = start < line.count ? line.text(from: start) : nil
        index += 1
        let child = try childValue(owner: indent, allowsSequenceAtSameIndent: true)
        guard child.movedUp else {
            return LayoutEntry(leading: [], key: key, comment: keyComment, value: child.value)
        }
        let leading = (keyComment.map { [LayoutTrivia.comment($0)] } ?? []) + child.leading
        return LayoutEntry(leading: leading, key: key, comment: child.comment, value: child.value)
    }

    private mutating func item(indent: Int) throws -> LayoutItem {
        let line = lines[index]
        let start = line.skippingWhitespace(from: indent + 1)
        if start == line.count || line.characters[start] == "#" {
            let itemComment = start < line.count ? line.text(from: start) : nil
            index += 1
            let child = try childValue(owner: indent, allowsSequenceAtSameIndent: false)
            guard child.movedUp else {
                return LayoutItem(leading: [], comment: itemComment, value: child.value)
            }
            let leading = (itemComment.map { [LayoutTrivia.comment($0)] } ?? []) + child.leading
            return LayoutItem(leading: leading, comment: child.comment, value: child.value)
        }
        if try startsCollection(line: index, at: start) {
            // A compact map or list (`- key: value`, `- - item`): blank out the dash so the line reads as an ordinary
            // block line indented to where the content starts.
            lines[index] = SourceLine(Array(repeating: " ", count: start) + line.characters[start...])
            return LayoutItem(leading: [], comment: nil, value: try collection(indent: start, leading: []))
        }
        let (value, comment) = try inlineValue(line: index, column: start, owner: indent, parent: indent)
        return LayoutItem(leading: [], comment: comment, value: value)
    }

    /// The value on the lines after a `key:` or `-` with nothing after it.
    private struct ChildValue {
        var value: LayoutValue
        /// True when the value is a scalar on its own line; it moves up next to its key.
        var movedUp = false
        /// Comments before a moved-up scalar; they move before the entry.
        var leading: [LayoutTrivia] = []
        /// The comment after a moved-up scalar.
        var comment: String?
    }

    private mutating func childValue(owner: Int, allowsSequenceAtSameIndent: Bool) throws -> ChildValue {
        let next = nextContent(from: index)
        guard next < lines.count else { return ChildValue(value: .empty) }
        let line = lines[next]
        let indent = line.indentation
        let isChild = indent > owner || (allowsSequenceAtSameIndent && indent == owner && line.isSequenceItem(at: indent))
        guard isChild, !line.isDocumentMarker else { return ChildValue(value: .empty) }
        let leading = trivia(upTo: next)
        if try startsCollection(line: next, at: indent) {
            return ChildValue(value: try collection(indent: indent, leading: leading))
        }
        let (value, comment) = try inlineValue(line: next, column: indent, owner: owner, parent: owner)
        return ChildValue(value: value, movedUp: true, leading: leading, comment: comment)
    }

    // MARK: Lines

    /// The first line at or after `start` that holds content (not blank, not a comment).
    private func nextContent(from start: Int) -> Int {
        var line = start
        while line < lines.count, lines[line].isBlank || lines[line].isComment { line += 1 }
        return line
    }

    /// The blank and comment lines from the current line up to `end`, which becomes the current line.
    private mutating func trivia(upTo end: Int) -> [LayoutTrivia] {
        defer { index = max(index, end) }
        return (index..<max(index, end)).map { lines[$0].isBlank ? .blank : .comment(lines[$0].text(from: lines[$0].indentation)) }
    }

    /// True when a block list item or map entry starts at `column` of line `line`.
    private func startsCollection(line: Int, at column: Int) throws -> Bool {
        try lines[line].isSequenceItem(at: column) || key(line: line, at: column) != nil
    }

    /// The map key at `column` of line `line`, with the line number on errors.
    private func key(line: Int, at column: Int) throws -> (key: String, afterColon: Int)? {
        do {
            return try lines[line].key(at: column)
        } catch var error as LayoutError {
            error.line = line + 1
            throw error
        }
    }
}
