import Foundation
import TandemCore

/// Reads every `*.tandem.yaml` file of a directory into one `Configuration`.
public enum ConfigurationLoader {
    /// The blocks allowed at the top level of a configuration file.
    public static let topLevelBlocks = ["variables", "locals", "providers", "resources", "outputs"]

    /// Loads `directory`; the configuration is nil only when no file could be read at all.
    public static func load(directory: String) -> (Configuration?, Diagnostics) {
        var diagnostics = Diagnostics()
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".tandem.yaml") }
                .sorted()
        } catch {
            diagnostics.append(.error("Cannot read configuration directory \"\(directory)\"", detail: "\(error.localizedDescription)"))
            return (nil, diagnostics)
        }
        guard !files.isEmpty else {
            diagnostics.append(.error("No configuration files", detail: "No *.tandem.yaml files found in \"\(directory)\"."))
            return (nil, diagnostics)
        }
        var sources: [(path: String, text: String)] = []
        for file in files {
            let path = directory == "." ? file : (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                diagnostics.append(.error("Cannot read \"\(path)\""))
                continue
            }
            sources.append((path, String(decoding: data, as: UTF8.self)))
        }
        let (configuration, parseDiagnostics) = parse(sources: sources, directory: directory)
        diagnostics.append(contentsOf: parseDiagnostics)
        return (configuration, diagnostics)
    }

    /// Builds a configuration from already-read sources (path and text), in order.
    public static func parse(sources: [(path: String, text: String)], directory: String) -> (Configuration, Diagnostics) {
        var diagnostics = Diagnostics()
        var configuration = Configuration(directory: directory)
        var seenResources: [ResourceAddress: SourceRange] = [:]
        var seenOutputs: [String: SourceRange] = [:]
        var seenVariables: [String: SourceRange] = [:]
        var seenProviders: [String: SourceRange] = [:]
        var seenLocals: [String: SourceRange] = [:]

        for (path, text) in sources {
            configuration.sources[path] = text
            let (root, yamlDiagnostics) = YAMLReader.parse(text, file: path)
            diagnostics.append(contentsOf: yamlDiagnostics)
            guard let root else { continue }
            guard let blocks = root.entries else {
                diagnostics.append(.error("A configuration file must be a map of blocks",
                                          detail: "Expected a map with keys \(topLevelBlocks.joined(separator: ", ")), got a \(root.shapeName).",
                                          range: root.range))
                continue
            }
            for block in blocks {
                guard topLevelBlocks.contains(block.key) else {
                    diagnostics.append(.error("Unknown block \"\(block.key)\"",
                                              detail: "Valid blocks are \(topLevelBlocks.joined(separator: ", ")).\(Suggestions.didYouMean(block.key, in: topLevelBlocks))",
                                              range: block.keyRange))
                    continue
                }
                if case .scalar(let scalar) = block.value.kind, scalar.type == .null { continue }
                guard let entries = block.value.entries else {
                    diagnostics.append(.error("\"\(block.key)\" must be a map", detail: "Got a \(block.value.shapeName).", range: block.value.range))
                    continue
                }
                for entry in entries {
                    switch block.key {
                    case "variables":
                        if let previous = seenVariables[entry.key] {
                            diagnostics.append(duplicate("variable", entry, previous)); continue
                        }
                        seenVariables[entry.key] = entry.keyRange
                        if let variable = variable(entry, diagnostics: &diagnostics) { configuration.variables[entry.key] = variable }
                    case "locals":
                        if let previous = seenLocals[entry.key] {
                            diagnostics.append(duplicate("local value", entry, previous)); continue
                        }
                        seenLocals[entry.key] = entry.keyRange
                        guard isIdentifier(Substring(entry.key)) else {
                            diagnostics.append(.error("Invalid local value name \"\(entry.key)\"", detail: "Names start with a letter and contain letters, digits, \"_\" and \"-\".", range: entry.keyRange))
                            continue
                        }
                        configuration.locals[entry.key] = LocalDeclaration(name: entry.key, value: entry.value.expression(diagnostics: &diagnostics), range: entry.keyRange)
                    case "providers":
                        if let previous = seenProviders[entry.key] {
                            diagnostics.append(duplicate("provider", entry, previous)); continue
                        }
                        seenProviders[entry.key] = entry.keyRange
                        if let provider = provider(entry, diagnostics: &diagnostics) { configuration.providers[provider.key] = provider }
                    case "resources":
                        guard let resource = resource(entry, diagnostics: &diagnostics) else { continue }
                        if let previous = seenResources[resource.address] {
                            diagnostics.append(duplicate("resource", entry, previous)); continue
                        }
                        seenResources[resource.address] = entry.keyRange
                        configuration.resources.append(resource)
                    default:
                        if let previous = seenOutputs[entry.key] {
                            diagnostics.append(duplicate("output", entry, previous)); continue
                        }
                        seenOutputs[entry.key] = entry.keyRange
                        configuration.outputs.append(output(entry, diagnostics: &diagnostics))
                    }
                }
            }
        }
        configuration.resources.sort { $0.address < $1.address }
        configuration.outputs.sort { $0.name < $1.name }
        return (configuration, diagnostics)
    }

    private static func duplicate(_ kind: String, _ entry: SyntaxEntry, _ previous: SourceRange) -> Diagnostic {
        .error("Duplicate \(kind) \"\(entry.key)\"", detail: "The \(kind) \"\(entry.key)\" is already declared at \(previous).", range: entry.keyRange)
    }

    private static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    private static func variable(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> VariableDeclaration? {
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
    private static func validations(_ field: SyntaxEntry, diagnostics: inout Diagnostics) -> [VariableValidation] {
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
    private static func flag(_ field: SyntaxEntry, diagnostics: inout Diagnostics) -> Bool {
        var local = Diagnostics()
        let value = Evaluator(scope: EvaluationScope()).evaluate(field.value.expression(diagnostics: &local), diagnostics: &local)
        guard case .bool(let flag) = value, local.isEmpty else {
            diagnostics.append(.error("\"\(field.key)\" must be true or false", detail: "Got a \(field.value.shapeName).", range: field.value.range))
            return false
        }
        return flag
    }

    private static func provider(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> ProviderDeclaration? {
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

    private static func resource(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> ResourceDeclaration? {
        let parts = entry.key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(isIdentifier), parts[0].contains("_") else {
            diagnostics.append(.error("Invalid resource key \"\(entry.key)\"",
                                      detail: "Resources are keyed TYPE.NAME, e.g. aws_s3_bucket.replica.",
                                      range: entry.keyRange))
            return nil
        }
        let address = ResourceAddress(type: String(parts[0]), name: String(parts[1]))
        var fields: [SyntaxEntry] = []
        if let entries = entry.value.entries {
            fields = entries
        } else if entry.value.scalar?.type != .null {
            diagnostics.append(.error("Resource \"\(entry.key)\" must be a map", detail: "Got a \(entry.value.shapeName).", range: entry.value.range))
            return nil
        }
        var providerKey = address.providerName
        var providerRange: SourceRange?
        var dependencies: [(address: ResourceAddress, range: SourceRange)] = []
        var arguments: [ObjectEntry] = []
        var lifecycle = Lifecycle()
        for field in fields {
            switch field.key {
            case "lifecycle":
                lifecycle = Self.lifecycle(field, diagnostics: &diagnostics)
            case "provider":
                providerRange = field.value.range
                guard let text = field.value.scalar?.text, text.split(separator: ".").allSatisfy(isIdentifier),
                      text == address.providerName || text.hasPrefix(address.providerName + ".") else {
                    diagnostics.append(.error("Invalid provider reference", detail: "Write \(address.providerName) or \(address.providerName).ALIAS.", range: field.value.range))
                    continue
                }
                providerKey = text
            case "depends_on":
                guard case .sequence(let items) = field.value.kind else {
                    diagnostics.append(.error("depends_on must be a list", detail: "Write a list of resource addresses, e.g. [aws_s3_bucket.replica].", range: field.value.range))
                    continue
                }
                for item in items {
                    var text = item.scalar?.text ?? ""
                    if text.hasPrefix("${"), text.hasSuffix("}") { text = String(text.dropFirst(2).dropLast()).trimmingCharacters(in: .whitespaces) }
                    guard let dependency = ResourceAddress(parsing: text) else {
                        diagnostics.append(.error("Invalid depends_on entry \"\(text)\"", detail: "Expected a resource address TYPE.NAME.", range: item.range))
                        continue
                    }
                    dependencies.append((dependency, item.range))
                }
            default:
                arguments.append(ObjectEntry(key: field.key, keyRange: field.keyRange, value: field.value.expression(diagnostics: &diagnostics)))
            }
        }
        return ResourceDeclaration(address: address, providerKey: providerKey, providerRange: providerRange, arguments: arguments,
                                   explicitDependencies: dependencies, range: entry.keyRange, lifecycle: lifecycle)
    }

    /// The lifecycle rules Tandem supports.
    static let lifecycleArguments = ["prevent_destroy", "ignore_changes"]

    private static func lifecycle(_ field: SyntaxEntry, diagnostics: inout Diagnostics) -> Lifecycle {
        var lifecycle = Lifecycle()
        guard let entries = field.value.entries else {
            diagnostics.append(.error("lifecycle must be a map", detail: "Write {prevent_destroy: true, ignore_changes: [tags]}.", range: field.value.range))
            return lifecycle
        }
        for entry in entries {
            switch entry.key {
            case "prevent_destroy":
                if flag(entry, diagnostics: &diagnostics) { lifecycle.preventDestroy = entry.keyRange }
            case "ignore_changes":
                switch entry.value.kind {
                case .scalar(let scalar) where scalar.text == "all":
                    lifecycle.ignoreAllChanges = true
                case .sequence(let items):
                    for item in items {
                        guard let path = item.scalar?.text, !path.isEmpty, !path.contains("${") else {
                            diagnostics.append(.error("ignore_changes lists attribute names", detail: "Write e.g. [tags, versioning] or all.", range: item.range))
                            continue
                        }
                        lifecycle.ignoreChanges.append((path, item.range))
                    }
                default:
                    diagnostics.append(.error("ignore_changes must be a list of attribute names or all", range: entry.value.range))
                }
            default:
                diagnostics.append(.error("Unknown lifecycle argument \"\(entry.key)\"",
                                          detail: "lifecycle takes \(lifecycleArguments.joined(separator: ", ")).\(Suggestions.didYouMean(entry.key, in: lifecycleArguments))",
                                          range: entry.keyRange))
            }
        }
        return lifecycle
    }

    /// The arguments of an output's long form `{value, description, sensitive}`.
    private static let outputArguments = ["value", "description", "sensitive"]

    private static func output(_ entry: SyntaxEntry, diagnostics: inout Diagnostics) -> OutputDeclaration {
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
}
