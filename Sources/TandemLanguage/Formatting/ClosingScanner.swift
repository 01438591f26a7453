/// Follows quotes and brackets, line after line, to find where a quoted scalar or a flow collection (`[...]`,
/// `{...}`) ends.
struct ClosingScanner {
    private var depth = 0
    private var quote: Character?

    /// Scans `line` from `start`, carrying what is still open from earlier lines; returns the position just past the
    /// closing quote or bracket when the value ends on this line, nil when it goes on to the next line.
    mutating func scan(_ line: SourceLine, from start: Int) -> Int? {
        let characters = line.characters
        var previous: Character = start > 0 ? characters[start - 1] : " "
        var position = start
        while position < characters.count {
            let character = characters[position]
            if let open = quote {
                if open == "\"", character == "\\" {
                    position += 2
                    previous = "\\"
                    continue
                }
                if character == open {
                    if open == "'", position + 1 < characters.count, characters[position + 1] == "'" {
                        position += 2
                        continue
                    }
                    quote = nil
                    if depth == 0 { return position + 1 }
                }
            } else if character == "#", SourceLine.isWhitespace(previous) {
                return nil
            } else if character == "\"" || character == "'" {
                // A quote opens a scalar only where one may start; inside a plain scalar (`don't`) it is text.
                if SourceLine.isWhitespace(previous) || "[{,:".contains(previous) { quote = character }
            } else if character == "[" || character == "{" {
                depth += 1
            } else if character == "]" || character == "}" {
                depth -= 1
                if depth == 0 { return position + 1 }
            }
            previous = character
            position += 1
        }
        return nil
    }
}
