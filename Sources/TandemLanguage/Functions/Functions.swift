import TandemCore

/// The built-in functions callable from expressions, by name.
enum Functions {
    /// What a function may use besides its arguments.
    struct Context {
        /// Where `file` and `templatefile` resolve relative paths; nil forbids file access.
        var baseDirectory: String?
        /// Where those files are read (the disk, or a commit).
        var files: any ConfigurationFiles = LocalConfigurationFiles()
    }

    /// A function failure, reported at the call with this message.
    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    typealias Implementation = @Sendable (Arguments, Context) throws(Failure) -> Value

    /// Every function. `try` is not here: it needs its arguments unevaluated (see `Evaluator`).
    static let table: [String: Implementation] = strings
        .merging(collections) { first, _ in first }
        .merging(encodings) { first, _ in first }
        .merging(conversions) { first, _ in first }
        .merging(files) { first, _ in first }

    /// Every name a configuration may call, for suggestions.
    static var names: [String] { Array(table.keys) + ["try"] }

    /// Functions that only look at a collection's shape, so their result is known while its elements are not
    /// (`length(aws_sqs_queue.dlq)` before the queues exist).
    static let shapeFunctions: Set<String> = ["length", "keys"]

    /// Calls function `name`; unknown arguments make an unknown result.
    static func call(_ name: String, _ arguments: [Value], context: Context, range: SourceRange, diagnostics: inout Diagnostics) -> Value {
        guard let function = table[name] else {
            diagnostics.append(.error("Call to unknown function \"\(name)\"",
                                      detail: "There is no function named \"\(name)\".\(Suggestions.didYouMean(name, in: names))",
                                      range: range))
            return .unknown
        }
        let shapeOnly = shapeFunctions.contains(name)
        if arguments.contains(where: { shapeOnly ? $0 == .unknown : $0.containsUnknown }) { return .unknown }
        do {
            return try function(Arguments(name: name, values: arguments), context)
        } catch {
            diagnostics.append(.error("Invalid call to \(name)()", detail: error.message, range: range))
            return .unknown
        }
    }
}

/// Typed access to a call's arguments, with messages that name the function and the argument.
struct Arguments {
    let name: String
    let values: [Value]

    var count: Int { values.count }

    func expect(_ range: ClosedRange<Int>) throws(Functions.Failure) {
        guard range.contains(values.count) else {
            let wanted = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw Functions.Failure("\(name)() takes \(wanted) argument\(range.upperBound == 1 ? "" : "s"), got \(values.count)")
        }
    }

    func expectAtLeast(_ minimum: Int) throws(Functions.Failure) {
        guard values.count >= minimum else { throw Functions.Failure("\(name)() takes at least \(minimum) argument\(minimum == 1 ? "" : "s"), got \(values.count)") }
    }

    func string(_ index: Int) throws(Functions.Failure) -> String {
        guard let text = values[index].asTemplateString else { throw mismatch(index, "string") }
        return text
    }

    func number(_ index: Int) throws(Functions.Failure) -> Double {
        switch values[index] {
        case .number(let n): return n
        case .string(let s): if let n = Double(s) { return n }
        default: break
        }
        throw mismatch(index, "number")
    }

    func list(_ index: Int) throws(Functions.Failure) -> [Value] {
        guard let items = values[index].listValue else { throw mismatch(index, "list") }
        return items
    }

    func map(_ index: Int) throws(Functions.Failure) -> [String: Value] {
        guard let entries = values[index].mapValue else { throw mismatch(index, "map") }
        return entries
    }

    private func mismatch(_ index: Int, _ expected: String) -> Functions.Failure {
        Functions.Failure("\(name)(): argument \(index + 1) must be a \(expected), got \(values[index].typeName)")
    }
}
