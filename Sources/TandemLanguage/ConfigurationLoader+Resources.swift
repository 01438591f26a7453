import TandemCore

extension ConfigurationLoader {
    /// A `resources:` or `data:` entry keyed `TYPE.NAME`, with its meta-arguments taken apart from its arguments.
    static func resource(_ entry: SyntaxEntry, mode: ResourceMode, diagnostics: inout Diagnostics) -> ResourceDeclaration? {
        let noun = mode == .data ? "Data source" : "Resource"
        let parts = entry.key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(isIdentifier), parts[0].contains("_") else {
            diagnostics.append(.error("Invalid \(noun.lowercased()) key \"\(entry.key)\"",
                                      detail: "\(noun)s are keyed TYPE.NAME, e.g. \(mode == .data ? "aws_caller_identity.current" : "aws_s3_bucket.replica").",
                                      range: entry.keyRange))
            return nil
        }
        let address = ResourceAddress(mode: mode, type: String(parts[0]), name: String(parts[1]))
        var fields: [SyntaxEntry] = []
        if let entries = entry.value.entries {
            fields = entries
        } else if entry.value.scalar?.type != .null {
            diagnostics.append(.error("\(noun) \"\(entry.key)\" must be a map", detail: "Got a \(entry.value.shapeName).", range: entry.value.range))
            return nil
        }
        var providerKey = address.providerName
        var providerRange: SourceRange?
        var dependencies: [(address: ResourceAddress, range: SourceRange)] = []
        var arguments: [ObjectEntry] = []
        var lifecycle = Lifecycle()
        var repetitions: [SyntaxEntry] = []
        for field in fields {
            switch field.key {
            case "count", "for_each":
                repetitions.append(field)
            case "lifecycle" where mode == .managed:
                lifecycle = Self.lifecycle(field, diagnostics: &diagnostics)
            case "provider":
                providerRange = field.value.range
                guard let text = field.value.scalar?.text, text.split(separator: ".").allSatisfy(isIdentifier),
                      text == address.providerName || text.hasPrefix(address.providerName + ".") else {
                    diagnostics.append(.error("Invalid provider reference", detail: "Write \(address.providerName) or \(address.providerName).ALIAS.", range: field.value.range))
                    continue
                }
                providerKey = text
            case "depends_on" where mode == .data:
                diagnostics.append(.error("depends_on is not supported on data sources",
                                          detail: "Data sources are read while planning, before anything is applied; refer to the values you need instead.",
                                          range: field.keyRange))
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
                                   explicitDependencies: dependencies, range: entry.keyRange, lifecycle: lifecycle,
                                   repetition: repetition(repetitions, diagnostics: &diagnostics))
    }

    /// The lifecycle rules Tandem supports.
    static let lifecycleArguments = ["prevent_destroy", "ignore_changes", "create_before_destroy"]

    static func lifecycle(_ field: SyntaxEntry, diagnostics: inout Diagnostics) -> Lifecycle {
        var lifecycle = Lifecycle()
        guard let entries = field.value.entries else {
            diagnostics.append(.error("lifecycle must be a map", detail: "Write {prevent_destroy: true, ignore_changes: [tags]}.", range: field.value.range))
            return lifecycle
        }
        for entry in entries {
            switch entry.key {
            case "prevent_destroy":
                if flag(entry, diagnostics: &diagnostics) { lifecycle.preventDestroy = entry.keyRange }
            case "create_before_destroy":
                lifecycle.createBeforeDestroy = flag(entry, diagnostics: &diagnostics)
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


    /// `count` or `for_each` (at most one of them) of a resource or module call.
    static func repetition(_ fields: [SyntaxEntry], diagnostics: inout Diagnostics) -> Repetition? {
        guard let field = fields.first else { return nil }
        if fields.count > 1 {
            diagnostics.append(.error("count and for_each cannot be used together",
                                      detail: "Use for_each for instances keyed by name, count for numbered copies.", range: fields[1].keyRange))
        }
        let expression = field.value.expression(diagnostics: &diagnostics)
        return field.key == "count" ? .count(expression) : .forEach(expression)
    }
}
