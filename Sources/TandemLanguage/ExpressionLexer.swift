import TandemCore

/// A token of the `${ }` expression language.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case number(Double)
        case string(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    /// Character offset of the token's first character in the scanned text.
    var offset: Int
    /// Number of characters the token covers.
    var length: Int
}

/// Splits the inside of a `${ ... }` into tokens, stopping at the `}` that closes the interpolation.
struct ExpressionLexer {
    private let characters: [Character]
    private(set) var position: Int

    init(characters: [Character], start: Int) {
        self.characters = characters
        self.position = start
    }

    private static let twoCharacterSymbols: Set<String> = ["==", "!=", "<=", ">=", "&&", "||"]
    private static let oneCharacterSymbols: Set<Character> = ["(", ")", "[", "]", "{", "}", ".", ",", "?", ":", "!", "-", "+", "*", "/", "%", "<", ">", "="]

    /// Lexes until the closing brace; returns the tokens (ending with `.end` at the brace) or an error message and offset.
    mutating func tokensUntilClosingBrace() -> Result<[Token], LexError> {
        var tokens: [Token] = []
        var depth = 0
        while true {
            skipWhitespace()
            guard position < characters.count else {
                return .failure(LexError(message: "missing \"}\" to close the interpolation", offset: position))
            }
            let start = position
            let c = characters[position]
            if c == "}" && depth == 0 {
                tokens.append(Token(kind: .end, offset: start, length: 1))
                position += 1
                return .success(tokens)
            }
            if c.isLetter || c == "_" {
                while position < characters.count, characters[position].isLetter || characters[position].isNumber || characters[position] == "_" || characters[position] == "-" {
                    position += 1
                }
                tokens.append(Token(kind: .identifier(String(characters[start..<position])), offset: start, length: position - start))
            } else if c.isNumber {
                while position < characters.count, characters[position].isNumber || characters[position] == "." || characters[position] == "e" {
                    // Stop before `.name` so `list.0` style is not taken as a number with a fraction.
                    if characters[position] == ".", position + 1 < characters.count, !characters[position + 1].isNumber { break }
                    position += 1
                }
                let text = String(characters[start..<position])
                guard let number = Double(text) else {
                    return .failure(LexError(message: "invalid number \"\(text)\"", offset: start))
                }
                tokens.append(Token(kind: .number(number), offset: start, length: position - start))
            } else if c == "\"" {
                switch lexString() {
                case .success(let text): tokens.append(Token(kind: .string(text), offset: start, length: position - start))
                case .failure(let error): return .failure(error)
                }
            } else if position + 1 < characters.count, Self.twoCharacterSymbols.contains(String(characters[position...position + 1])) {
                tokens.append(Token(kind: .symbol(String(characters[position...position + 1])), offset: start, length: 2))
                position += 2
            } else if Self.oneCharacterSymbols.contains(c) {
                if c == "{" { depth += 1 }
                if c == "}" { depth -= 1 }
                tokens.append(Token(kind: .symbol(String(c)), offset: start, length: 1))
                position += 1
            } else {
                return .failure(LexError(message: "unexpected character \"\(c)\"", offset: start))
            }
        }
    }

    private mutating func skipWhitespace() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    /// Lexes a double-quoted string literal; its content is kept raw (escapes resolved) and may itself hold `${ }`.
    private mutating func lexString() -> Result<String, LexError> {
        let start = position
        position += 1
        var text = ""
        var interpolationDepth = 0
        while position < characters.count {
            let c = characters[position]
            if c == "\\", position + 1 < characters.count {
                let next = characters[position + 1]
                switch next {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                default: text.append("\\"); text.append(next)
                }
                position += 2
                continue
            }
            if c == "$", position + 1 < characters.count, characters[position + 1] == "{" {
                interpolationDepth += 1
                text.append("${")
                position += 2
                continue
            }
            if c == "}", interpolationDepth > 0 { interpolationDepth -= 1 }
            if c == "\"", interpolationDepth == 0 {
                position += 1
                return .success(text)
            }
            text.append(c)
            position += 1
        }
        return .failure(LexError(message: "unterminated string literal", offset: start))
    }
}

/// A lexing failure at a character offset.
struct LexError: Error {
    var message: String
    var offset: Int
}
