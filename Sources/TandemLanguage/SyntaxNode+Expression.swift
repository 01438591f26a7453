import Foundation
import TandemCore

extension SyntaxNode {
    /// Converts the node into an expression: maps become objects, sequences lists, strings templates.
    ///
    /// Parse errors of every `${ }` inside are collected, so several are reported at once.
    public func expression(diagnostics: inout Diagnostics) -> Expression {
        switch kind {
        case .scalar(let scalar):
            switch scalar.type {
            case .null: return .literal(.null, range)
            case .bool: return .literal(.bool(["true", "yes", "on"].contains(scalar.text.lowercased())), range)
            case .number:
                if let number = Double(scalar.text.replacingOccurrences(of: "_", with: "")) {
                    return .literal(.number(number), range)
                }
                return .literal(.string(scalar.text), range)
            case .string:
                guard scalar.text.contains("${") else { return .literal(.string(scalar.text), range) }
                let parser = TemplateParser(text: scalar.text, file: range.file, start: scalar.contentStart)
                switch parser.parse() {
                case .success(let expression): return expression
                case .failure(let diagnostic):
                    diagnostics.append(diagnostic)
                    return .literal(.unknown, range)
                }
            }
        case .sequence(let items):
            return .list(items.map { $0.expression(diagnostics: &diagnostics) }, range)
        case .mapping(let entries):
            return .object(entries.map {
                ObjectEntry(key: $0.key, keyRange: $0.keyRange, value: $0.value.expression(diagnostics: &diagnostics))
            }, range)
        }
    }
}
