import TandemCore

/// Recursive-descent parser for the tokens of one `${ }` interpolation.
struct ExpressionParser {
    private let tokens: [Token]
    private let template: TemplateParser
    private var index = 0
    private var depth = 0

    /// The deepest nesting of parentheses, lists, maps, calls and operators accepted in one expression.
    static let maximumDepth = 64

    init(tokens: [Token], template: TemplateParser) {
        self.tokens = tokens
        self.template = template
        self.depth = template.nesting
    }

    private var current: Token { tokens[min(index, tokens.count - 1)] }

    private func range(of token: Token) -> SourceRange { template.range(offset: token.offset, length: token.length) }

    private func range(from first: Token, to last: Token) -> SourceRange {
        template.range(offset: first.offset, length: max(1, last.offset + last.length - first.offset))
    }

    private var previous: Token { tokens[max(0, index - 1)] }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private mutating func expect(_ symbol: String) throws(Diagnostic) {
        guard isSymbol(symbol) else { throw unexpected("expected \"\(symbol)\"") }
        index += 1
    }

    private func unexpected(_ expectation: String) -> Diagnostic {
        let found: String
        switch current.kind {
        case .end: found = "end of expression"
        case .identifier(let name): found = "\"\(name)\""
        case .number(let n): found = Value.format(number: n)
        case .string(let s): found = "\"\(s)\""
        case .symbol(let s): found = "\"\(s)\""
        }
        return .error("Invalid expression: \(expectation), found \(found)", range: range(of: current))
    }

    /// Parses the whole token list as one expression.
    mutating func parseAll() -> Result<Expression, Diagnostic> {
        do throws(Diagnostic) {
            if current.kind == .end { throw Diagnostic.error("Empty interpolation \"${}\"", range: range(of: current)) }
            let expression = try parseConditional()
            guard current.kind == .end else { throw unexpected("expected end of expression") }
            return .success(expression)
        } catch {
            return .failure(error)
        }
    }

    private mutating func parseConditional() throws(Diagnostic) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw Diagnostic.error("Expression is nested too deeply", detail: "Expressions may nest at most \(Self.maximumDepth) levels.", range: range(of: current))
        }
        let first = current
        let condition = try parseBinary(level: 0)
        guard isSymbol("?") else { return condition }
        index += 1
        let whenTrue = try parseConditional()
        try expect(":")
        let whenFalse = try parseConditional()
        return .conditional(condition, whenTrue, whenFalse, range(from: first, to: previous))
    }

    private static let precedence: [[BinaryOperator]] = [
        [.or], [.and], [.equal, .notEqual], [.less, .lessOrEqual, .greater, .greaterOrEqual],
        [.add, .subtract], [.multiply, .divide, .modulo],
    ]

    private mutating func parseBinary(level: Int) throws(Diagnostic) -> Expression {
        guard level < Self.precedence.count else { return try parseUnary() }
        let first = current
        var left = try parseBinary(level: level + 1)
        while case .symbol(let symbol) = current.kind,
              let op = BinaryOperator(rawValue: symbol), Self.precedence[level].contains(op) {
            index += 1
            let right = try parseBinary(level: level + 1)
            left = .binary(op, left, right, range(from: first, to: previous))
        }
        return left
    }

    private mutating func parseUnary() throws(Diagnostic) -> Expression {
        let first = current
        if case .symbol(let symbol) = current.kind, let op = UnaryOperator(rawValue: symbol) {
            index += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else {
                throw Diagnostic.error("Expression is nested too deeply", detail: "Expressions may nest at most \(Self.maximumDepth) levels.", range: range(of: current))
            }
            let operand = try parseUnary()
            return .unary(op, operand, range(from: first, to: previous))
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(Diagnostic) -> Expression {
        let first = current
        var expression = try parsePrimary()
        while true {
            if isSymbol(".") {
                index += 1
                let name: String
                switch current.kind {
                case .identifier(let n): name = n
                case .number(let n) where n.rounded() == n: name = Value.format(number: n)
                default: throw unexpected("expected an attribute name after \".\"")
                }
                index += 1
                if case .traversal(var traversal) = expression {
                    traversal.steps.append(.attribute(name))
                    traversal.range = range(from: first, to: previous)
                    expression = .traversal(traversal)
                } else {
                    expression = .attribute(expression, name, range(from: first, to: previous))
                }
            } else if isSymbol("[") {
                index += 1
                let key = try parseConditional()
                try expect("]")
                if case .traversal(var traversal) = expression {
                    traversal.steps.append(.index(key))
                    traversal.range = range(from: first, to: previous)
                    expression = .traversal(traversal)
                } else {
                    expression = .index(expression, key, range(from: first, to: previous))
                }
            } else {
                return expression
            }
        }
    }

    private mutating func parsePrimary() throws(Diagnostic) -> Expression {
        let token = current
        switch token.kind {
        case .number(let n):
            index += 1
            return .literal(.number(n), range(of: token))
        case .string(let text):
            index += 1
            let inner = TemplateParser(text: text, file: range(of: token).file,
                                       start: SourcePosition(line: range(of: token).start.line, column: range(of: token).start.column + 1),
                                       nesting: depth + 1)
            switch inner.parse() {
            case .success(let expression): return expression
            case .failure(let diagnostic): throw diagnostic
            }
        case .identifier(let name):
            index += 1
            switch name {
            case "true": return .literal(.bool(true), range(of: token))
            case "false": return .literal(.bool(false), range(of: token))
            case "null": return .literal(.null, range(of: token))
            default: break
            }
            if isSymbol("(") {
                index += 1
                var arguments: [Expression] = []
                while !isSymbol(")") {
                    arguments.append(try parseConditional())
                    if isSymbol(",") { index += 1 } else if !isSymbol(")") { throw unexpected("expected \",\" or \")\"") }
                }
                index += 1
                return .call(name, arguments, range(from: token, to: previous))
            }
            return .traversal(Traversal(root: name, steps: [], range: range(of: token)))
        case .symbol("("):
            index += 1
            let inner = try parseConditional()
            try expect(")")
            return inner
        case .symbol("["):
            index += 1
            var items: [Expression] = []
            while !isSymbol("]") {
                items.append(try parseConditional())
                if isSymbol(",") { index += 1 } else if !isSymbol("]") { throw unexpected("expected \",\" or \"]\"") }
            }
            index += 1
            return .list(items, range(from: token, to: previous))
        case .symbol("{"):
            index += 1
            var entries: [ObjectEntry] = []
            while !isSymbol("}") {
                let keyToken = current
                let key: String
                switch keyToken.kind {
                case .identifier(let k), .string(let k): key = k
                default: throw unexpected("expected a key")
                }
                index += 1
                guard isSymbol("=") || isSymbol(":") else { throw unexpected("expected \"=\" or \":\" after the key") }
                index += 1
                entries.append(ObjectEntry(key: key, keyRange: range(of: keyToken), value: try parseConditional()))
                if isSymbol(",") { index += 1 } else if !isSymbol("}") { throw unexpected("expected \",\" or \"}\"") }
            }
            index += 1
            return .object(entries, range(from: token, to: previous))
        default:
            throw unexpected("expected a value")
        }
    }
}
