/// One line of YAML source as characters, with the questions the layout parser asks of it.
struct SourceLine {
    /// The line's characters, without the line break.
    let characters: [Character]
    /// How many spaces the line starts with.
    let indentation: Int
    /// True when the line holds only spaces and tabs.
    let isBlank: Bool

    /// Wraps a line of text.
    init(_ characters: [Character]) {
        self.characters = characters
        indentation = characters.prefix { $0 == " " }.count
        isBlank = characters.allSatisfy(Self.isWhitespace)
    }

    /// The number of characters.
    var count: Int { characters.count }

    /// True when the line is a full-line comment.
    var isComment: Bool { !isBlank && characters[indentation] == "#" }

    /// True for a `---` or `...` document marker.
    var isDocumentMarker: Bool {
        guard count >= 3, characters[0] == characters[1], characters[1] == characters[2],
              characters[0] == "-" || characters[0] == "." else { return false }
        return count == 3 || Self.isWhitespace(characters[3])
    }

    /// True when a block list item (`-` followed by a space or the end of the line) starts at `column`.
    func isSequenceItem(at column: Int) -> Bool {
        column < count && characters[column] == "-" && (column + 1 == count || Self.isWhitespace(characters[column + 1]))
    }

    /// The text of `range`.
    func text(_ range: Range<Int>) -> String {
        String(characters[range])
    }

    /// The text from `start` to the end of the line, without trailing whitespace.
    func text(from start: Int) -> String {
        trimmed(start..<count)
    }

    /// The text of `range` without leading or trailing whitespace.
    func trimmed(_ range: Range<Int>) -> String {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, Self.isWhitespace(characters[lower]) { lower += 1 }
        while upper > lower, Self.isWhitespace(characters[upper - 1]) { upper -= 1 }
        return String(characters[lower..<upper])
    }

    /// The first position at or after `start` that is not a space or tab.
    func skippingWhitespace(from start: Int) -> Int {
        var position = start
        while position < count, Self.isWhitespace(characters[position]) { position += 1 }
        return position
    }

    /// Where a comment starts in plain text from `start`: a `#` at the start of the line or after whitespace.
    func commentStart(from start: Int) -> Int? {
        (start..<count).first { characters[$0] == "#" && ($0 == 0 || Self.isWhitespace(characters[$0 - 1])) }
    }

    /// The key of the block map entry starting at `column` (as written, quotes kept) and the position just after its
    /// `:`; nil when no entry starts there.
    func key(at column: Int) throws -> (key: String, afterColon: Int)? {
        guard column < count else { return nil }
        switch characters[column] {
        case "\"", "'":
            var scanner = ClosingScanner()
            guard let end = scanner.scan(self, from: column) else { return nil }
            let colon = skippingWhitespace(from: end)
            return isMappingColon(at: colon) ? (text(column..<end), colon + 1) : nil
        case "?" where column + 1 == count || Self.isWhitespace(characters[column + 1]):
            throw LayoutError(line: 0, column: column + 1, reason: "Explicit keys (`? key`) are not supported by the formatter.")
        case "[", "{", "|", ">", "#", "%", "@", "`":
            return nil
        default:
            guard !isSequenceItem(at: column) else { return nil }
            for position in column..<count {
                if characters[position] == "#", position > column, Self.isWhitespace(characters[position - 1]) { return nil }
                if isMappingColon(at: position) { return (trimmed(column..<position), position + 1) }
            }
            return nil
        }
    }

    private func isMappingColon(at position: Int) -> Bool {
        position < count && characters[position] == ":" && (position + 1 == count || Self.isWhitespace(characters[position + 1]))
    }

    /// Spaces and tabs, the whitespace YAML allows inside a line.
    static func isWhitespace(_ character: Character) -> Bool {
        character == " " || character == "\t"
    }
}

/// Why the formatter could not lay out a file that YAML accepted.
struct LayoutError: Error {
    /// 1-based line (0 until the parser fills it in).
    var line: Int
    /// 1-based column.
    var column: Int
    /// What is not supported.
    var reason: String
}
