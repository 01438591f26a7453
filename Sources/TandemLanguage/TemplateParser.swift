import TandemCore

/// Turns YAML scalars into expressions: plain values, string templates with `${ }`, or a single expression.
///
/// A string that is exactly one `${expr}` keeps the expression's type; any other string with interpolations
/// is a template producing a string; `$${` is a literal `${`.
public struct TemplateParser {
    private let characters: [Character]
    private let file: String
    private let start: SourcePosition
    /// How deeply this template is nested inside expressions (string literals inside `${ }`), so the depth limit
    /// holds across templates too.
    let nesting: Int

    /// Prepares to parse `text`, whose first character is at `start` in `file`.
    public init(text: String, file: String, start: SourcePosition) {
        self.init(text: text, file: file, start: start, nesting: 0)
    }

    /// Offsets of the first character of every line after the first, for position look-ups in O(log n).
    private let lineStarts: [Int]

    init(text: String, file: String, start: SourcePosition, nesting: Int) {
        let characters = Array(text)
        self.characters = characters
        self.file = file
        self.start = start
        self.nesting = nesting
        self.lineStarts = characters.indices.filter { characters[$0] == "\n" }.map { $0 + 1 }
    }

    /// The source range of `length` characters at `offset` of the text.
    func range(offset: Int, length: Int) -> SourceRange {
        // The number of line starts at or before `offset` is how many lines down from `start` it is.
        var low = 0, high = lineStarts.count
        while low < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return SourceRange(file: file, line: start.line, column: start.column + offset, length: length) }
        return SourceRange(file: file, line: start.line + low, column: offset - lineStarts[low - 1] + 1, length: length)
    }

    /// Parses the whole text as a template.
    public func parse() -> Result<Expression, Diagnostic> {
        var parts: [TemplatePart] = []
        var literal = ""
        var position = 0
        while position < characters.count {
            if characters[position] == "$", position + 2 < characters.count,
               characters[position + 1] == "$", characters[position + 2] == "{" {
                literal += "${"
                position += 3
                continue
            }
            if characters[position] == "$", position + 1 < characters.count, characters[position + 1] == "{" {
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                var lexer = ExpressionLexer(characters: characters, start: position + 2)
                switch lexer.tokensUntilClosingBrace() {
                case .failure(let error):
                    return .failure(.error("Invalid expression: \(error.message)", range: range(offset: error.offset, length: 1)))
                case .success(let tokens):
                    var parser = ExpressionParser(tokens: tokens, template: self)
                    switch parser.parseAll() {
                    case .failure(let diagnostic): return .failure(diagnostic)
                    case .success(let expression): parts.append(.interpolation(expression))
                    }
                }
                position = lexer.position
                continue
            }
            literal.append(characters[position])
            position += 1
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        let whole = range(offset: 0, length: characters.count)
        if parts.count == 1, case .interpolation(let expression) = parts[0] { return .success(expression) }
        if parts.allSatisfy({ if case .text = $0 { return true } else { return false } }) {
            return .success(.literal(.string(parts.map { if case .text(let t) = $0 { return t } else { return "" } }.joined()), whole))
        }
        return .success(.template(parts, whole))
    }
}
