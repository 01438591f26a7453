import Foundation
import TandemCore

/// Evaluates expressions against a scope, collecting diagnostics and propagating unknown values.
public struct Evaluator: Sendable {
    /// What references resolve to.
    public var scope: EvaluationScope

    /// Creates an evaluator.
    public init(scope: EvaluationScope) {
        self.scope = scope
    }

    /// Evaluates `expression`; on an error it appends a diagnostic and yields `.unknown` so evaluation goes on.
    public func evaluate(_ expression: Expression, diagnostics: inout Diagnostics) -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .template(let parts, _):
            // Every part is evaluated, even after an unknown one, so all errors show at plan time.
            var text = ""
            var unknown = false
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .interpolation(let inner):
                    let value = evaluate(inner, diagnostics: &diagnostics)
                    if value.containsUnknown {
                        unknown = true
                    } else if let string = value.asTemplateString {
                        text += string
                    } else {
                        diagnostics.append(.error("Cannot interpolate a \(value.typeName) into a string",
                                                  detail: "Only strings, numbers and bools can appear inside a template; use jsonencode() for collections.",
                                                  range: inner.range))
                        unknown = true
                    }
                }
            }
            return unknown ? .unknown : .string(text)
        case .traversal(let traversal):
            return resolve(traversal, diagnostics: &diagnostics)
        case .index(let collection, let key, let range):
            return index(evaluate(collection, diagnostics: &diagnostics), by: evaluate(key, diagnostics: &diagnostics), range: range, diagnostics: &diagnostics)
        case .attribute(let object, let name, let range):
            return index(evaluate(object, diagnostics: &diagnostics), by: .string(name), range: range, diagnostics: &diagnostics)
        case .call("try", let arguments, let range):
            return evaluateTry(arguments, range: range, diagnostics: &diagnostics)
        case .call(let name, let arguments, let range):
            let values = arguments.map { evaluate($0, diagnostics: &diagnostics) }
            return Functions.call(name, values, context: Functions.Context(baseDirectory: scope.baseDirectory, files: scope.files),
                                  range: range, diagnostics: &diagnostics)
        case .unary(let op, let operand, let range):
            let value = evaluate(operand, diagnostics: &diagnostics)
            if value == .unknown { return .unknown }
            switch (op, value) {
            case (.not, .bool(let b)): return .bool(!b)
            case (.negate, .number(let n)): return .number(-n)
            default:
                diagnostics.append(.error("Invalid operand for \"\(op.rawValue)\"", detail: "Expected \(op == .not ? "bool" : "number"), got \(value.typeName).", range: range))
                return .unknown
            }
        case .binary(let op, let lhs, let rhs, let range):
            return binary(op, evaluate(lhs, diagnostics: &diagnostics), evaluate(rhs, diagnostics: &diagnostics), range: range, diagnostics: &diagnostics)
        case .conditional(let condition, let whenTrue, let whenFalse, let range):
            switch evaluate(condition, diagnostics: &diagnostics) {
            case .bool(true): return evaluate(whenTrue, diagnostics: &diagnostics)
            case .bool(false): return evaluate(whenFalse, diagnostics: &diagnostics)
            case .unknown:
                // Either branch may be taken at apply time: check both now.
                _ = evaluate(whenTrue, diagnostics: &diagnostics)
                _ = evaluate(whenFalse, diagnostics: &diagnostics)
                return .unknown
            case let other:
                diagnostics.append(.error("Condition is not a bool", detail: "Expected bool, got \(other.typeName).", range: range))
                return .unknown
            }
        case .list(let items, _):
            return .list(items.map { evaluate($0, diagnostics: &diagnostics) })
        case .object(let entries, _):
            var map: [String: Value] = [:]
            for entry in entries { map[entry.key] = evaluate(entry.value, diagnostics: &diagnostics) }
            return .map(map)
        }
    }

    /// `try(a, b, ...)`: the first argument that evaluates without an error (unknown if that one is unknown).
    private func evaluateTry(_ arguments: [Expression], range: SourceRange, diagnostics: inout Diagnostics) -> Value {
        guard !arguments.isEmpty else {
            diagnostics.append(.error("Invalid call to try()", detail: "try() takes at least one argument.", range: range))
            return .unknown
        }
        var last = Diagnostics()
        for argument in arguments {
            var attempt = Diagnostics()
            let value = evaluate(argument, diagnostics: &attempt)
            if !attempt.hasErrors { return value }
            last = attempt
        }
        diagnostics.append(.error("No argument of try() could be evaluated",
                                  detail: "The last one failed with: \(last.errors.first?.summary ?? "an error")", range: range))
        return .unknown
    }

    private func resolve(_ traversal: Traversal, diagnostics: inout Diagnostics) -> Value {
        var steps = traversal.steps[...]
        let base: Value
        if traversal.root == "local", case .attribute(let name)? = steps.first, let locals = scope.names["local"]?.mapValue, locals[name] == nil {
            diagnostics.append(.error("Reference to undeclared local value \"\(name)\"",
                                      detail: "No local value \"\(name)\" is declared.\(Suggestions.didYouMean(name, in: locals.keys))",
                                      range: traversal.range))
            return .unknown
        } else if let named = scope.names[traversal.root] {
            base = named
        } else if traversal.root == "var" {
            guard case .attribute(let name)? = steps.first else {
                diagnostics.append(.error("Invalid variable reference", detail: "Write var.NAME.", range: traversal.range))
                return .unknown
            }
            steps = steps.dropFirst()
            guard let value = scope.variables[name] else {
                diagnostics.append(.error("Reference to undeclared variable \"\(name)\"",
                                          detail: "No variable named \"\(name)\" is declared.\(Suggestions.didYouMean(name, in: scope.variables.keys))",
                                          range: traversal.range))
                return .unknown
            }
            base = value
        } else {
            guard case .attribute(let name)? = steps.first else {
                diagnostics.append(.error("Invalid reference \"\(traversal.root)\"",
                                          detail: "A reference is var.NAME or TYPE.NAME.ATTRIBUTE.", range: traversal.range))
                return .unknown
            }
            steps = steps.dropFirst()
            let key = "\(traversal.root).\(name)"
            guard let value = scope.resources[key] else {
                diagnostics.append(.error("Reference to undeclared resource \"\(key)\"",
                                          detail: "No resource \(key) is declared.\(Suggestions.didYouMean(key, in: scope.resources.keys))",
                                          range: traversal.range))
                return .unknown
            }
            base = value
        }
        var result = base
        var path = traversal.root
        for step in steps {
            switch step {
            case .attribute(let name):
                if case .map(let entries) = result, entries[name] == nil {
                    diagnostics.append(.error("Unsupported attribute \"\(name)\"",
                                              detail: "\(path) has no attribute \"\(name)\".\(Suggestions.didYouMean(name, in: entries.keys))",
                                              range: traversal.range))
                    return .unknown
                }
                result = index(result, by: .string(name), range: traversal.range, diagnostics: &diagnostics)
                path += ".\(name)"
            case .index(let keyExpression):
                result = index(result, by: evaluate(keyExpression, diagnostics: &diagnostics), range: traversal.range, diagnostics: &diagnostics)
                path += step.text
            }
        }
        return result
    }

    private func index(_ collection: Value, by key: Value, range: SourceRange, diagnostics: inout Diagnostics) -> Value {
        switch (collection, key) {
        case (.unknown, _), (_, .unknown):
            return .unknown
        case (.map(let entries), _):
            guard let name = key.asTemplateString else { break }
            if let value = entries[name] { return value }
            diagnostics.append(.error("Missing key \"\(name)\"", detail: "The map has no key \"\(name)\".\(Suggestions.didYouMean(name, in: entries.keys))", range: range))
            return .unknown
        case (.list(let items), .number):
            guard let i = key.intValue, i >= 0, i < items.count else {
                diagnostics.append(.error("Index out of range", detail: "The list has \(items.count) elements.", range: range))
                return .unknown
            }
            return items[i]
        default:
            break
        }
        diagnostics.append(.error("Cannot index a \(collection.typeName) with a \(key.typeName)", range: range))
        return .unknown
    }

    private func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, range: SourceRange, diagnostics: inout Diagnostics) -> Value {
        switch op {
        case .and, .or:
            // Short-circuit on a known deciding operand even when the other is unknown.
            if op == .and, lhs == .bool(false) || rhs == .bool(false) { return .bool(false) }
            if op == .or, lhs == .bool(true) || rhs == .bool(true) { return .bool(true) }
            if lhs == .unknown || rhs == .unknown { return .unknown }
            guard case .bool(let a) = lhs, case .bool(let b) = rhs else { break }
            return .bool(op == .and ? a && b : a || b)
        case .equal, .notEqual:
            if lhs.containsUnknown || rhs.containsUnknown { return .unknown }
            return .bool((lhs == rhs) == (op == .equal))
        default:
            if lhs == .unknown || rhs == .unknown { return .unknown }
            guard let a = Self.number(lhs), let b = Self.number(rhs) else { break }
            switch op {
            case .less: return .bool(a < b)
            case .lessOrEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterOrEqual: return .bool(a >= b)
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide:
                guard b != 0 else {
                    diagnostics.append(.error("Division by zero", range: range))
                    return .unknown
                }
                return .number(a / b)
            case .modulo:
                guard b != 0 else {
                    diagnostics.append(.error("Division by zero", range: range))
                    return .unknown
                }
                return .number(a.truncatingRemainder(dividingBy: b))
            default: break
            }
        }
        diagnostics.append(.error("Invalid operands for \"\(op.rawValue)\"", detail: "Got \(lhs.typeName) and \(rhs.typeName).", range: range))
        return .unknown
    }

    private static func number(_ value: Value) -> Double? {
        switch value {
        case .number(let n): return n
        case .string(let s): return Double(s)
        default: return nil
        }
    }
}
