extension LayoutParser {
    /// Reads the value starting at `column` of line `line` (after `key:` or `-`, or alone on its line), and the
    /// comment after it; the current line moves past it.
    ///
    /// `owner` is the column of the key or dash the value belongs to (a flow collection's continuation lines keep
    /// their indentation relative to it); `parent` is the indentation of the enclosing block (-1 at the top).
    mutating func inlineValue(line: Int, column: Int, owner: Int, parent: Int) throws -> (LayoutValue, String?) {
        let source = lines[line]
        switch source.characters[column] {
        case "|", ">":
            return blockScalar(line: line, column: column, parent: parent)
        case "\"", "'", "[", "{":
            return try enclosed(line: line, column: column, owner: owner)
        case "&", "!":
            let end = source.commentStart(from: column) ?? source.count
            let tokens = source.text(column..<end).split(whereSeparator: SourceLine.isWhitespace)
            if tokens.allSatisfy({ $0.first == "&" || $0.first == "!" }) {
                throw LayoutError(line: line + 1, column: column + 1, reason: "Anchors and tags on maps and lists are not supported by the formatter.")
            }
            return plain(line: line, column: column, parent: parent)
        default:
            return plain(line: line, column: column, parent: parent)
        }
    }

    /// Where continuation lines of plain and quoted scalars go, relative to their key or dash: their indentation is
    /// not part of the value, so it is made canonical. (Flow collections keep their own layout instead.)
    static let scalarContinuationOffset = 2

    /// A plain scalar, with the lines that continue it (more indented than its block, before any comment).
    private mutating func plain(line: Int, column: Int, parent: Int) -> (LayoutValue, String?) {
        let source = lines[line]
        let end = source.commentStart(from: column) ?? source.count
        var comment = end < source.count ? source.text(from: end) : nil
        var continuation: [(offset: Int, text: String)] = []
        index = line + 1
        var next = line + 1
        var blanks = 0
        while comment == nil, next < lines.count {
            let candidate = lines[next]
            next += 1
            if candidate.isBlank {
                blanks += 1
                continue
            }
            guard !candidate.isComment, candidate.indentation > parent else { break }
            // Blank lines inside a plain scalar are line breaks in its value, so they stay.
            continuation += Array(repeating: (0, ""), count: blanks)
            blanks = 0
            let contentEnd = candidate.commentStart(from: candidate.indentation) ?? candidate.count
            continuation.append((Self.scalarContinuationOffset, candidate.trimmed(candidate.indentation..<contentEnd)))
            comment = contentEnd < candidate.count ? candidate.text(from: contentEnd) : nil
            index = next
        }
        return (.text(LayoutText(firstLine: source.trimmed(column..<end), continuation: continuation)), comment)
    }

    /// A quoted scalar or a flow collection, up to its closing quote or bracket.
    private mutating func enclosed(line: Int, column: Int, owner: Int) throws -> (LayoutValue, String?) {
        var scanner = ClosingScanner()
        var current = line
        var start = column
        var end = scanner.scan(lines[line], from: column)
        while end == nil {
            current += 1
            guard current < lines.count else {
                throw LayoutError(line: line + 1, column: column + 1, reason: "The formatter cannot find where this value ends.")
            }
            start = 0
            end = scanner.scan(lines[current], from: 0)
        }
        let closing = end ?? start
        let last = lines[current]
        let rest = last.skippingWhitespace(from: closing)
        guard rest == last.count || last.characters[rest] == "#" else {
            throw LayoutError(line: current + 1, column: rest + 1, reason: "The formatter cannot lay out text after this value.")
        }
        let first = lines[line]
        let isQuoted = first.characters[column] == "\"" || first.characters[column] == "'"
        let firstLine = first.trimmed(column..<(current == line ? closing : first.count))
        let continuation = (line + 1..<current + 1).map { number -> (offset: Int, text: String) in
            let source = lines[number]
            guard !source.isBlank else { return (0, "") }
            let text = source.trimmed(source.indentation..<(number == current ? closing : source.count))
            return (isQuoted ? Self.scalarContinuationOffset : source.indentation - owner, text)
        }
        index = current + 1
        return (.text(LayoutText(firstLine: firstLine, continuation: continuation)), rest < last.count ? last.text(from: rest) : nil)
    }

    /// A `|` or `>` scalar: its header and the lines indented deeper than its block.
    private mutating func blockScalar(line: Int, column: Int, parent: Int) -> (LayoutValue, String?) {
        let source = lines[line]
        let commentStart = source.commentStart(from: column)
        let header = source.trimmed(column..<(commentStart ?? source.count))
        let explicit = header.first(where: \.isNumber).flatMap { Int(String($0)) }
        let keeps = header.contains("+")
        var next = line + 1
        while next < lines.count, lines[next].isBlank { next += 1 }
        let detected = next < lines.count && lines[next].indentation > parent ? lines[next].indentation : nil
        var contentLines: [String] = []
        index = line + 1
        if let indent = explicit.map({ max(parent, 0) + $0 }) ?? detected {
            var number = line + 1
            while number < lines.count, lines[number].isBlank || lines[number].indentation >= indent {
                let content = lines[number]
                contentLines.append(content.count <= indent && content.isBlank ? "" : String(content.characters[indent...]))
                number += 1
                if !content.isBlank || keeps { index = number }
            }
            contentLines.removeLast(number - index)
        }
        let scalar = LayoutBlockScalar(header: header, explicitIndentation: explicit, lines: contentLines, keepsTrailingLines: keeps)
        return (.blockScalar(scalar), commentStart.map { source.text(from: $0) })
    }
}
