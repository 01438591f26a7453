import Foundation
import TandemCore

/// Where variable values come from, lowest precedence first: defaults, `TANDEM_VAR_name` environment variables,
/// `--var-file` files (in order), `--var name=value` (in order).
public struct VariableInputs: Sendable {
    /// `--var name=value` pairs in command-line order.
    public var assignments: [(name: String, value: String)]
    /// `--var-file` paths in command-line order.
    public var files: [String]
    /// The process environment.
    public var environment: [String: String]

    /// Creates inputs.
    public init(assignments: [(name: String, value: String)] = [], files: [String] = [], environment: [String: String] = [:]) {
        self.assignments = assignments
        self.files = files
        self.environment = environment
    }

    /// The final value of every declared variable, with diagnostics for missing, undeclared or mistyped values. With
    /// `requiringAll` false (offline validation), a variable without a value is unknown instead of an error.
    public func resolve(_ declarations: [String: VariableDeclaration], requiringAll: Bool = true) -> ([String: Value], Diagnostics) {
        var diagnostics = Diagnostics()
        var values: [String: Value] = [:]
        for (name, declaration) in declarations {
            if let value = declaration.defaultValue { values[name] = value }
        }
        for (key, text) in environment where key.hasPrefix("TANDEM_VAR_") {
            let name = String(key.dropFirst("TANDEM_VAR_".count))
            // Unknown environment variables are ignored: a shell may export variables for other configurations.
            guard let declaration = declarations[name] else { continue }
            values[name] = convert(text, declaration: declaration, origin: "environment variable \(key)", diagnostics: &diagnostics)
        }
        for file in files {
            let text: String
            switch SourceText.read(path: file) {
            case .success(let read): text = read
            case .failure(let problem):
                diagnostics.append(problem.diagnostic)
                continue
            case nil:
                diagnostics.append(.error("Cannot read variable file \"\(file)\""))
                continue
            }
            let (root, yamlDiagnostics) = YAMLReader.parse(text, file: file)
            diagnostics.append(contentsOf: yamlDiagnostics)
            guard let root else { continue }
            guard let entries = root.entries else {
                diagnostics.append(.error("A variable file must be a map of variable names to values", range: root.range))
                continue
            }
            for entry in entries {
                guard declarations[entry.key] != nil else {
                    diagnostics.append(.error("Value for undeclared variable \"\(entry.key)\"",
                                              detail: "No variable \"\(entry.key)\" is declared.\(Suggestions.didYouMean(entry.key, in: declarations.keys))",
                                              range: entry.keyRange))
                    continue
                }
                let expression = entry.value.expression(diagnostics: &diagnostics)
                values[entry.key] = Evaluator(scope: EvaluationScope()).evaluate(expression, diagnostics: &diagnostics)
            }
        }
        for (name, text) in assignments {
            guard let declaration = declarations[name] else {
                diagnostics.append(.error("Value for undeclared variable \"\(name)\"",
                                          detail: "--var \(name)=...: no variable \"\(name)\" is declared.\(Suggestions.didYouMean(name, in: declarations.keys))"))
                continue
            }
            values[name] = convert(text, declaration: declaration, origin: "--var \(name)", diagnostics: &diagnostics)
        }
        for (name, declaration) in declarations.sorted(by: { $0.key < $1.key }) {
            guard let value = values[name] else {
                if !requiringAll {
                    values[name] = .unknown
                    continue
                }
                diagnostics.append(.error("No value for required variable \"\(name)\"",
                                          detail: "Set it with --var \(name)=VALUE, --var-file, or the TANDEM_VAR_\(name) environment variable.",
                                          range: declaration.range))
                continue
            }
            if let type = declaration.type, !Self.value(value, matches: type) {
                diagnostics.append(.error("Invalid value for variable \"\(name)\"",
                                          detail: "Expected \(type.rawValue), got \(value.typeName).", range: declaration.range))
            }
        }
        diagnostics.append(contentsOf: Self.checkValidations(declarations, values: values))
        return (values, diagnostics)
    }

    /// Errors for every validation rule whose condition is false (rules over unknown values are skipped).
    public static func checkValidations(_ declarations: [String: VariableDeclaration], values: [String: Value]) -> Diagnostics {
        var diagnostics = Diagnostics()
        for (name, declaration) in declarations.sorted(by: { $0.key < $1.key }) {
            guard let value = values[name] else { continue }
            diagnostics.append(contentsOf: checkValidations(declaration, value: value))
        }
        return diagnostics
    }

    /// Errors for the validation rules of one variable that `value` breaks (none while the value is unknown).
    public static func checkValidations(_ declaration: VariableDeclaration, value: Value) -> Diagnostics {
        var diagnostics = Diagnostics()
        guard !value.containsUnknown else { return diagnostics }
        let evaluator = Evaluator(scope: EvaluationScope(variables: [declaration.name: value]))
        for rule in declaration.validations {
            switch evaluator.evaluate(rule.condition, diagnostics: &diagnostics) {
            case .bool(true), .unknown: continue
            case .bool(false):
                diagnostics.append(.error("Invalid value for variable \"\(declaration.name)\"", detail: rule.errorMessage, range: rule.range))
            case let other:
                diagnostics.append(.error("A validation condition must be true or false", detail: "Got \(other.typeName).", range: rule.range))
            }
        }
        return diagnostics
    }

    /// Converts text from the command line or environment according to the declared type.
    private func convert(_ text: String, declaration: VariableDeclaration, origin: String, diagnostics: inout Diagnostics) -> Value {
        switch declaration.type {
        case .number:
            if let number = Double(text) { return .number(number) }
        case .bool:
            if text == "true" || text == "false" { return .bool(text == "true") }
        case .list, .map, .any:
            let (node, yamlDiagnostics) = YAMLReader.parse(text, file: origin)
            if let node, yamlDiagnostics.isEmpty {
                return Evaluator(scope: EvaluationScope()).evaluate(node.expression(diagnostics: &diagnostics), diagnostics: &diagnostics)
            }
        case .string, nil:
            return .string(text)
        }
        diagnostics.append(.error("Invalid value for variable \"\(declaration.name)\"",
                                  detail: "\(origin): \(declaration.sensitive ? "the value" : "\"\(text)\"") is not a valid \(declaration.type?.rawValue ?? "value").",
                                  range: declaration.range))
        return .unknown
    }

    /// True when `value` is acceptable for a variable of `type` (null and unknown always are).
    public static func value(_ value: Value, matches type: VariableType) -> Bool {
        switch (type, value) {
        case (.any, _), (_, .null), (_, .unknown), (.string, .string), (.number, .number), (.bool, .bool), (.list, .list), (.map, .map): return true
        case (.string, .number), (.string, .bool): return true
        default: return false
        }
    }
}
