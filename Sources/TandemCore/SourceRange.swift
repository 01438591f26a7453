/// A position in a configuration file: 1-based line and column.
public struct SourcePosition: Sendable, Hashable, Codable, Comparable {
    /// 1-based line number.
    public var line: Int
    /// 1-based column number, counted in characters.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Orders positions by line, then column.
    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// A span of source text in one file, used to point diagnostics at the offending input.
public struct SourceRange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path of the file as the user named it (relative paths stay relative).
    public var file: String
    /// First character of the span.
    public var start: SourcePosition
    /// Position just past the last character of the span (same line for single-line spans).
    public var end: SourcePosition

    /// Creates a range.
    public init(file: String, start: SourcePosition, end: SourcePosition) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// A range covering `length` characters starting at `line`:`column`.
    public init(file: String, line: Int, column: Int, length: Int = 1) {
        self.init(
            file: file,
            start: SourcePosition(line: line, column: column),
            end: SourcePosition(line: line, column: column + max(length, 1))
        )
    }

    /// `file:line:column`, the form editors and terminals make clickable.
    public var description: String { "\(file):\(start.line):\(start.column)" }
}
