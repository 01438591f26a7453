import Foundation
import TandemCore

/// Built-in functions callable from expressions.
enum Functions {
    private typealias Implementation = @Sendable ([Value]) throws(FunctionError) -> Value

    struct FunctionError: Error {
        var message: String
    }

    private static let table: [String: Implementation] = [
        "lower": { args throws(FunctionError) in .string(try string(args, 0, "lower").lowercased()) },
        "upper": { args throws(FunctionError) in .string(try string(args, 0, "upper").uppercased()) },
        "join": { args throws(FunctionError) in
            guard args.count == 2, case .list(let items) = args[1] else { throw FunctionError(message: "join(separator, list) takes a string and a list") }
            let separator = try string(args, 0, "join")
            let parts = try items.map { item throws(FunctionError) -> String in
                guard let s = item.asTemplateString else { throw FunctionError(message: "join: list elements must be strings") }
                return s
            }
            return .string(parts.joined(separator: separator))
        },
        "length": { args throws(FunctionError) in
            guard args.count == 1 else { throw FunctionError(message: "length takes one argument") }
            switch args[0] {
            case .list(let items): return .number(Double(items.count))
            case .map(let entries): return .number(Double(entries.count))
            case .string(let s): return .number(Double(s.count))
            default: throw FunctionError(message: "length: expected a list, map or string, got \(args[0].typeName)")
            }
        },
        "jsonencode": { args throws(FunctionError) in
            guard args.count == 1 else { throw FunctionError(message: "jsonencode takes one argument") }
            do { return .string(try args[0].canonicalJSON()) } catch { throw FunctionError(message: "jsonencode: \(error)") }
        },
    ]

    private static func string(_ args: [Value], _ index: Int, _ name: String) throws(FunctionError) -> String {
        guard index < args.count, let s = args[index].asTemplateString else {
            throw FunctionError(message: "\(name): argument \(index + 1) must be a string")
        }
        return s
    }

    /// Calls function `name`; unknown arguments make an unknown result.
    static func call(_ name: String, _ arguments: [Value], range: SourceRange, diagnostics: inout Diagnostics) -> Value {
        guard let function = table[name] else {
            diagnostics.append(.error("Call to unknown function \"\(name)\"",
                                      detail: "There is no function named \"\(name)\".\(Suggestions.didYouMean(name, in: table.keys))",
                                      range: range))
            return .unknown
        }
        if arguments.contains(where: \.containsUnknown) { return .unknown }
        do {
            return try function(arguments)
        } catch {
            diagnostics.append(.error("Invalid function call", detail: error.message, range: range))
            return .unknown
        }
    }
}
