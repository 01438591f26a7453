import TandemCore

extension ConfigurationLoader {
    static func variable(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> VariableDeclaration? {
        let allowed = ["default", "description", "type", "sensitive", "validation"]
        guard isIdentifier(Substring(entry.key)) else {
            diagnostics.append(.error("Invalid variable name \"\(entry.key)\"", detail: "Names start with a letter and contain letters, digits, \"_\" and \"-\".", range: entry.keyRange))
            return nil
        }
        var declaration = VariableDeclaration(name: entry.key, defaultValue: nil, type: nil, description: nil, sensitive: false, range: entry.keyRange)
        if case .scalar(let scalar) = entry.value.kind, scalar.type == .null { return declaration }
        guard let fields = entry.value.entries else {
            diagnostics.append(.error("Variable \"\(entry.key)\" must be a map",
                                      detail: "Write `\(entry.key): {default: VALUE}`, or `\(entry.key): {}` for a required variable.",
                                      range: entry.value.range))
            return nil
        }
        for field in fields {
            switch field.key {
            case "default":
                var fieldDiagnostics = Diagnostics()
                let expression = field.value.expression(diagnostics: &fieldDiagnostics)
                diagnostics.append(contentsOf: fieldDiagnostics)
                if !expression.traversals.isEmpty {
                    diagnostics.append(.error("Variable defaults must be constant", detail: "A default cannot refer to other objects.", range: field.value.range))
                }
                declaration.defaultValue = Evaluator(scope: EvaluationScope()).evaluate(expression, diagnostics: &diagnostics)
            case "description":
                declaration.description = field.value.scalar?.text
            case "type":
                let name = field.value.scalar?.text ?? ""
                guard let type = VariableType(rawValue: name) else {
                    diagnostics.append(.error("Unknown variable type \"\(name)\"",
                                              detail: "Valid types are \(VariableType.allCases.map(\.rawValue).joined(separator: ", ")).\(Suggestions.didYouMean(name, in: VariableType.allCases.map(\.rawValue)))",
                                              range: field.value.range))
                    continue
                }
                declaration.type = type
            case "sensitive":
                declaration.sensitive = flag(field, diagnostics: &diagnostics)
            case "validation":
                declaration.validations = validations(field, diagnostics: &diagnostics)
            default:
                diagnostics.append(.error("Unknown variable argument \"\(field.key)\"",
                                          detail: "Valid arguments are \(allowed.joined(separator: ", ")).\(Suggestions.didYouMean(field.key, in: allowed))",
                                          range: field.keyRange))
            }
        }
        return declaration
    }

    /// `validation:` as one rule `{condition, error_message}` or a list of them.
    static func validations(_ field: SyntaxEntry, diagnostics: inout Diagnostics) -> [VariableValidation] {
        let rules: [SyntaxNode]
        switch field.value.kind {
        case .sequence(let items): rules = items
        case .mapping: rules = [field.value]
        case .scalar:
            diagnostics.append(.error("validation must be a rule or a list of rules",
                                      detail: "Write {condition: ${...}, error_message: \"...\"}.", range: field.value.range))
            return []
        }
        var result: [VariableValidation] = []
        for rule in rules {
            guard let condition = rule.entry("condition"), let message = rule.entry("error_message")?.value.scalar?.text else {
                diagnostics.append(.error("A validation rule needs condition and error_message", range: rule.range))
                continue
            }
            for entry in rule.entries ?? [] where entry.key != "condition" && entry.key != "error_message" {
                diagnostics.append(.error("Unknown validation argument \"\(entry.key)\"",
                                          detail: "A rule takes condition and error_message.\(Suggestions.didYouMean(entry.key, in: ["condition", "error_message"]))",
                                          range: entry.keyRange))
            }
            result.append(VariableValidation(condition: condition.value.expression(diagnostics: &diagnostics), errorMessage: message, range: condition.value.range))
        }
        return result
    }

    /// A `true`/`false` argument (YAML's `yes`/`no` included); anything else is an error.
    static func flag(_ field: SyntaxEntry, diagnostics: inout Diagnostics) -> Bool {
        var local = Diagnostics()
        let value = Evaluator(scope: EvaluationScope()).evaluate(field.value.expression(diagnostics: &local), diagnostics: &local)
        guard case .bool(let flag) = value, local.isEmpty else {
            diagnostics.append(.error("\"\(field.key)\" must be true or false", detail: "Got a \(field.value.shapeName).", range: field.value.range))
            return false
        }
        return flag
    }

    static func provider(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> ProviderDeclaration? {
        let parts = entry.key.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy(isIdentifier) else {
            diagnostics.append(.error("Invalid provider key \"\(entry.key)\"", detail: "Write NAME or NAME.ALIAS, e.g. aws or aws.dest.", range: entry.keyRange))
            return nil
        }
        var body: Expression = .object([], entry.value.range)
        if entry.value.entries != nil {
            body = entry.value.expression(diagnostics: &diagnostics)
        } else if entry.value.scalar?.type != .null {
            diagnostics.append(.error("Provider \"\(entry.key)\" must be a map", detail: "Got a \(entry.value.shapeName).", range: entry.value.range))
            return nil
        }
        return ProviderDeclaration(name: String(parts[0]), alias: parts.count == 2 ? String(parts[1]) : nil, body: body, range: entry.keyRange)
    }

    /// The arguments of an output's long form `{value, description, sensitive}`.
    private static let outputArguments = ["value", "description", "sensitive"]

    static func output(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> OutputDeclaration {
        // A map with a `value` key is the long form; its other keys must be output arguments, so a misspelt
        // `sensitive` is an error rather than a map output that shows the value.
        if let fields = entry.value.entries, fields.contains(where: { $0.key == "value" }) {
            var value: Expression = .literal(.null, entry.value.range)
            var description: String?
            var sensitive = false
            for field in fields {
                switch field.key {
                case "value": value = field.value.expression(diagnostics: &diagnostics)
                case "description": description = field.value.scalar?.text
                case "sensitive": sensitive = flag(field, diagnostics: &diagnostics)
                default:
                    diagnostics.append(.error("Unknown output argument \"\(field.key)\"",
                                              detail: "Outputs take \(outputArguments.joined(separator: ", ")).\(Suggestions.didYouMean(field.key, in: outputArguments))",
                                              range: field.keyRange))
                }
            }
            return OutputDeclaration(name: entry.key, value: value, description: description, sensitive: sensitive, range: entry.keyRange)
        }
        return OutputDeclaration(name: entry.key, value: entry.value.expression(diagnostics: &diagnostics), description: nil, sensitive: false, range: entry.keyRange)
    }

    /// The arguments of a `modules:` entry.
    static let moduleArguments = ["source", "count", "for_each", "providers", "inputs"]

    static func moduleCall(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> ModuleCall? {
        guard isIdentifier(Substring(entry.key)) else {
            diagnostics.append(.error("Invalid module name \"\(entry.key)\"", detail: "Names start with a letter and contain letters, digits, \"_\" and \"-\".", range: entry.keyRange))
            return nil
        }
        guard let fields = entry.value.entries, let source = entry.value.entry("source") else {
            diagnostics.append(.error("Module \"\(entry.key)\" needs a source",
                                      detail: "Write {source: ../modules/NAME, inputs: {...}}.", range: entry.value.range))
            return nil
        }
        guard let path = source.value.scalar?.text, !path.isEmpty, !path.contains("${") else {
            diagnostics.append(.error("A module source is a directory path", detail: "Write a path relative to this file's directory, e.g. ../modules/aws-sqs-with-dlq.",
                                      range: source.value.range))
            return nil
        }
        var call = ModuleCall(name: entry.key, source: path, sourceRange: source.value.range, range: entry.keyRange)
        var repetitions: [SyntaxEntry] = []
        for field in fields {
            switch field.key {
            case "source": break
            case "count", "for_each": repetitions.append(field)
            case "inputs":
                guard let inputs = field.value.entries else {
                    if field.value.scalar?.type != .null {
                        diagnostics.append(.error("inputs must be a map", detail: "Write {VARIABLE: VALUE, ...}.", range: field.value.range))
                    }
                    continue
                }
                call.inputs = inputs.map { ObjectEntry(key: $0.key, keyRange: $0.keyRange, value: $0.value.expression(diagnostics: &diagnostics)) }
            case "providers":
                guard let entries = field.value.entries else {
                    diagnostics.append(.error("providers must be a map", detail: "Write {MODULE_KEY: CALLER_KEY}, e.g. {aws: aws.dest}.", range: field.value.range))
                    continue
                }
                for mapping in entries {
                    guard let parent = mapping.value.scalar?.text, parent.split(separator: ".").allSatisfy(isIdentifier),
                          mapping.key.split(separator: ".").allSatisfy(isIdentifier) else {
                        diagnostics.append(.error("Invalid provider mapping", detail: "Write {MODULE_KEY: CALLER_KEY}, e.g. {aws: aws.dest}.", range: mapping.value.range))
                        continue
                    }
                    call.providers.append((mapping.key, parent, mapping.value.range))
                }
            default:
                diagnostics.append(.error("Unknown module argument \"\(field.key)\"",
                                          detail: "A module call takes \(moduleArguments.joined(separator: ", ")); the module's variables go under inputs.\(Suggestions.didYouMean(field.key, in: moduleArguments))",
                                          range: field.keyRange))
            }
        }
        call.repetition = repetition(repetitions, diagnostics: &diagnostics)
        return call
    }

    /// `moved:` as a list of `{from: OLD_ADDRESS, to: NEW_ADDRESS}`.
    static func moved(_ block: SyntaxEntry, diagnostics: inout Diagnostics) -> [MovedDeclaration] {
        guard case .sequence(let items) = block.value.kind else {
            diagnostics.append(.error("moved must be a list", detail: "Write - {from: aws_s3_bucket.old, to: aws_s3_bucket.new}.", range: block.value.range))
            return []
        }
        var result: [MovedDeclaration] = []
        for item in items {
            var addresses: [String: ResourceAddress] = [:]
            var reported = false
            for entry in item.entries ?? [] {
                guard entry.key == "from" || entry.key == "to" else {
                    diagnostics.append(.error("Unknown moved argument \"\(entry.key)\"", detail: "A moved entry takes from and to.", range: entry.keyRange))
                    reported = true
                    continue
                }
                guard let text = entry.value.scalar?.text, let address = ResourceAddress(parsing: text), address.mode == .managed,
                      address.type != "module" else {
                    diagnostics.append(.error("Invalid address in moved", detail: "Write a resource address such as aws_s3_bucket.replica or module.site[\"eu\"].aws_s3_bucket.replica; whole modules are moved resource by resource.",
                                              range: entry.value.range))
                    reported = true
                    continue
                }
                addresses[entry.key] = address
            }
            guard let from = addresses["from"], let to = addresses["to"] else {
                if !reported {
                    diagnostics.append(.error("A moved entry needs from and to", detail: "Write {from: OLD_ADDRESS, to: NEW_ADDRESS}.", range: item.range))
                }
                continue
            }
            guard from.type == to.type else {
                diagnostics.append(.error("moved cannot change the resource type", detail: "\(from) is a \(from.type), \(to) is a \(to.type).", range: item.range))
                continue
            }
            result.append(MovedDeclaration(from: from, to: to, range: item.range))
        }
        return result
    }

    /// `backend: {path: FILE}`, `backend: {directory: DIR}` or `backend: {s3: {bucket, key, ...}}`.
    static func backend(_ block: SyntaxEntry, diagnostics: inout Diagnostics) -> BackendDeclaration? {
        let arguments = ["type", "path", "directory", "s3"]
        guard let entries = block.value.entries else {
            diagnostics.append(.error("backend must be a map", detail: "Write {path: state/prod.json}, {directory: state} or {s3: {bucket: B, key: K}}.",
                                      range: block.value.range))
            return nil
        }
        var declaration = BackendDeclaration(path: nil, directory: nil, range: block.keyRange)
        for entry in entries {
            let text = entry.value.scalar?.text
            switch entry.key {
            case "type":
                if text != "local" {
                    diagnostics.append(.error("Unknown backend type \"\(text ?? entry.value.shapeName)\"", detail: "Write s3: {...} for the S3 backend.",
                                              range: entry.value.range))
                }
            case "path", "directory":
                guard let text = fixed(entry, diagnostics: &diagnostics) else { continue }
                if entry.key == "path" { declaration.path = text } else { declaration.directory = text }
            case "s3":
                declaration.s3 = s3Backend(entry, diagnostics: &diagnostics)
            default:
                diagnostics.append(.error("Unknown backend argument \"\(entry.key)\"",
                                          detail: "backend takes \(arguments.joined(separator: ", ")).\(Suggestions.didYouMean(entry.key, in: arguments))", range: entry.keyRange))
            }
        }
        if [declaration.path != nil, declaration.directory != nil, declaration.s3 != nil].filter({ $0 }).count > 1 {
            diagnostics.append(.error("backend takes one of path, directory and s3", range: block.keyRange))
        }
        return declaration
    }

    /// A backend value: fixed text, since the backend is read before anything is evaluated.
    private static func fixed(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> String? {
        guard let text = entry.value.scalar?.text, !text.isEmpty, !text.contains("${") else {
            diagnostics.append(.error("backend \(entry.key) must be fixed text", detail: "The backend is read before anything is evaluated.", range: entry.value.range))
            return nil
        }
        return text
    }

    /// `s3: {bucket, key, region, endpoint, profile, ca_bundle, require_encryption}`; no keys (they come from the
    /// environment or the profile, as for the aws provider).
    private static func s3Backend(_ block: SyntaxEntry, diagnostics: inout Diagnostics) -> BackendDeclaration.S3Backend? {
        let arguments = ["bucket", "key", "region", "endpoint", "profile", "ca_bundle", "require_encryption"]
        guard let entries = block.value.entries else {
            diagnostics.append(.error("backend s3 must be a map", detail: "Write {bucket: tandem-state, key: prod/tandem.json}.", range: block.value.range))
            return nil
        }
        var values: [String: String] = [:]
        for entry in entries {
            guard arguments.contains(entry.key) else {
                let detail = ["access_key", "secret_key", "token"].contains(entry.key)
                    ? "Keys are not written in configuration: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile."
                    : "backend s3 takes \(arguments.joined(separator: ", ")).\(Suggestions.didYouMean(entry.key, in: arguments))"
                diagnostics.append(.error("Unknown backend s3 argument \"\(entry.key)\"", detail: detail, range: entry.keyRange))
                continue
            }
            if let text = fixed(entry, diagnostics: &diagnostics) { values[entry.key] = text }
        }
        for required in ["bucket", "key"] where values[required] == nil && !entries.contains(where: { $0.key == required }) {
            diagnostics.append(.error("backend s3 needs \(required)", range: block.keyRange))
        }
        if let flag = values["require_encryption"], flag != "true", flag != "false" {
            diagnostics.append(.error("backend s3 require_encryption must be true or false", range: block.keyRange))
        }
        guard let bucket = values["bucket"], let key = values["key"] else { return nil }
        return BackendDeclaration.S3Backend(bucket: bucket, key: key, region: values["region"], endpoint: values["endpoint"], profile: values["profile"],
                                            caBundle: values["ca_bundle"], requireEncryption: values["require_encryption"].map { $0 == "true" })
    }
}
