import TandemCore

/// Turns YAML scalars into expressions: plain values, string templates with `${ }`, or a single expression.
///
/// A string that is exactly one `${expr}` keeps the expression's type; any other string with interpolations
/// is a template producing a string; `$${` is a literal `${`.
public struct TemplateParser {
    private let characters: [Character]
    private let file: String
    private let start: SourcePosition

    /// Prepares to parse `text`, whose first character is at `start` in `file`.
    public init(text: String, file: String, start: SourcePosition) {
        self.characters = Array(text)
        self.file = file
        self.start = start
    }

    /// The source range of `length` characters at `offset` of the text.
    func range(offset: Int, length: Int) -> SourceRange {
        var line = start.line, column = start.column
        for c in characters.prefix(offset) {
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceRange(file: file, line: line, column: column, length: length)
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
