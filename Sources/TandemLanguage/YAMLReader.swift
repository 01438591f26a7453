import Foundation
import TandemCore
import Yams

/// Parses YAML text into a `SyntaxNode` tree, turning YAML errors into diagnostics at YAML's own position.
public enum YAMLReader {
    /// The deepest nesting of maps and lists accepted; deeper documents are refused before parsing, so no input
    /// can exhaust the stack of the recursive steps that follow.
    public static let maximumNesting = 128

    /// Parses `text` (read from `file`); returns nil and diagnostics when it is not valid YAML.
    public static func parse(_ text: String, file: String) -> (SyntaxNode?, Diagnostics) {
        var diagnostics = Diagnostics()
        let size = text.utf8.count
        if size > SourceText.maximumBytes {
            diagnostics.append(.error("Document too large",
                                      detail: "\(file) has \(size) bytes; a YAML document may have at most \(SourceText.maximumBytes / 1024 / 1024) MiB.",
                                      range: SourceRange(file: file, line: 1, column: 1)))
            return (nil, diagnostics)
        }
        if let deep = firstPositionDeeperThanLimit(in: text) {
            diagnostics.append(.error("Nesting is too deep",
                                      detail: "Maps and lists may be nested at most \(maximumNesting) levels deep.",
                                      range: SourceRange(file: file, line: deep.line, column: deep.column)))
            return (nil, diagnostics)
        }
        if let tab = firstIndentationTab(in: text) {
            diagnostics.append(.error(
                "Tab character used for indentation",
                detail: "YAML does not allow tabs for indentation; use spaces.",
                range: SourceRange(file: file, line: tab.line, column: tab.column)))
            return (nil, diagnostics)
        }
        if let alias = YAMLAliasBudget.firstViolation(in: text) {
            let detail = alias.isDepth
                ? "Expanding *\(alias.anchor) here would nest maps and lists more than \(maximumNesting) levels deep."
                : "Aliases may add at most \(YAMLAliasBudget.maximumAliasedNodes) nodes to a document; expanding *\(alias.anchor) here "
                    + "goes past that (anchors that repeat other anchors grow exponentially). Write the values out, or use locals."
            diagnostics.append(.error(alias.isDepth ? "YAML alias nests too deep" : "YAML aliases expand too far", detail: detail,
                                      range: SourceRange(file: file, line: alias.position.line, column: alias.position.column,
                                                         length: alias.anchor.count + 1)))
            return (nil, diagnostics)
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return (SyntaxNode(kind: .mapping([]), range: SourceRange(file: file, line: 1, column: 1)), diagnostics)
            }
            return (convert(node, file: file), diagnostics)
        } catch let error as YamlError {
            diagnostics.append(diagnostic(for: error, file: file, text: text))
        } catch {
            diagnostics.append(.error("Invalid YAML", detail: "\(error)", range: SourceRange(file: file, line: 1, column: 1)))
        }
        return (nil, diagnostics)
    }

    private static func convert(_ node: Node, file: String) -> SyntaxNode {
        let mark = node.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? SourcePosition(line: 1, column: 1)
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            let multiline = scalar.style == .literal || scalar.style == .folded
            let start = SourcePosition(line: mark.line + (multiline ? 1 : 0), column: mark.column + (quoted ? 1 : 0))
            let syntax = ScalarSyntax(text: scalar.string, type: scalarType(of: node, scalar: scalar), contentStart: start, isMultiline: multiline)
            let length = multiline ? 1 : scalar.string.count + (quoted ? 2 : 0)
            return SyntaxNode(kind: .scalar(syntax), range: SourceRange(file: file, line: mark.line, column: mark.column, length: length))
        case .sequence(let sequence):
            return SyntaxNode(kind: .sequence(sequence.map { convert($0, file: file) }),
                              range: SourceRange(file: file, line: mark.line, column: mark.column))
        case .mapping(let mapping):
            let entries = mapping.map { pair -> SyntaxEntry in
                let keyMark = pair.key.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? mark
                let keyText = pair.key.string ?? "\(pair.key)"
                return SyntaxEntry(key: keyText,
                                   keyRange: SourceRange(file: file, line: keyMark.line, column: keyMark.column, length: keyText.count),
                                   value: convert(pair.value, file: file))
            }
            return SyntaxNode(kind: .mapping(entries), range: SourceRange(file: file, line: mark.line, column: mark.column))
        case .alias:
            return SyntaxNode(kind: .scalar(ScalarSyntax(text: "", type: .null, contentStart: SourcePosition(line: mark.line, column: mark.column), isMultiline: false)),
                              range: SourceRange(file: file, line: mark.line, column: mark.column))
        }
    }

    private static func scalarType(of node: Node, scalar: Node.Scalar) -> ScalarSyntax.ScalarType {
        guard scalar.style == .plain else { return .string }
        // Yams resolves an untagged scalar with a list of regular expressions. One starting with a lowercase letter
        // matches none of them unless it is one of the null and bool words (null, true, false, yes, no, on, off, in
        // any case), which begin with one of "fnoty" and hold nothing but letters; most scalars of a configuration
        // are names that are neither (`n000123`, `tandem-site`).
        if scalar.tag.description.isEmpty, let first = scalar.string.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
           !"fnoty".utf8.contains(first) || scalar.string.utf8.contains(where: { !Self.isASCIILetter($0) }) {
            return .string
        }
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return .bool
        case Tag.Name.int.rawValue, Tag.Name.float.rawValue: return .number
        default: return .string
        }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func diagnostic(for error: YamlError, file: String, text: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return .error("Invalid YAML: \(problem)", detail: detail,
                          range: SourceRange(file: file, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let first = context.mark
            let second = secondOccurrence(of: key, after: first, in: text) ?? SourcePosition(line: first.line, column: first.column)
            return .error("Duplicate key \"\(key)\"",
                          detail: "The key \"\(key)\" is already defined at line \(first.line), column \(first.column); YAML mappings must have unique keys.",
                          range: SourceRange(file: file, line: second.line, column: second.column, length: key.count))
        default:
            return .error("Invalid YAML", detail: "\(error)", range: SourceRange(file: file, line: 1, column: 1))
        }
    }

    /// Finds the repeated key at the same indentation after the first one, so the caret points at the duplicate.
    private static func secondOccurrence(of key: String, after first: Mark, in text: String) -> SourcePosition? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line <= lines.count else { return nil }
        let indent = first.column - 1
        for index in first.line..<lines.count {
            let line = lines[index]
            let leading = line.prefix { $0 == " " }.count
            if leading < indent, !line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            let rest = line.dropFirst(indent)
            if leading == indent, rest.hasPrefix("\(key):") || rest.hasPrefix("\"\(key)\":") {
                return SourcePosition(line: index + 1, column: indent + 1)
            }
        }
        return nil
    }

    /// Where block indentation or flow brackets (`[`, `{` outside quotes) first exceed `maximumNesting` levels.
    private static func firstPositionDeeperThanLimit(in text: String) -> SourcePosition? {
        var indents: [Int] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.drop { $0 == " " || $0 == "-" }
            guard !content.isEmpty, !content.hasPrefix("#") else { continue }
            let indent = line.count - content.count
            while let last = indents.last, last >= indent { indents.removeLast() }
            indents.append(indent)
            var flow = 0
            var quote: Character?
            for (column, c) in line.enumerated() {
                if let open = quote {
                    if c == open { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == "[" || c == "{" {
                    flow += 1
                } else if c == "]" || c == "}" {
                    flow -= 1
                }
                if indents.count + flow > maximumNesting { return SourcePosition(line: index + 1, column: column + 1) }
            }
            if indents.count > maximumNesting { return SourcePosition(line: index + 1, column: indent + 1) }
        }
        return nil
    }

    private static func firstIndentationTab(in text: String) -> SourcePosition? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let leading = line.prefix { $0 == " " || $0 == "\t" }
            if let tab = leading.firstIndex(of: "\t") {
                return SourcePosition(line: index + 1, column: line.distance(from: line.startIndex, to: tab) + 1)
            }
        }
        return nil
    }
}
