import Foundation
import TandemCore

/// Reads every `*.tandem.yaml` file of a directory into one `Configuration`, and the modules it calls.
public enum ConfigurationLoader {
    /// The blocks allowed at the top level of a configuration file.
    public static let topLevelBlocks = ["backend", "variables", "locals", "providers", "data", "modules", "resources", "moved", "outputs"]
    /// The blocks only the root module may declare.
    static let rootOnlyBlocks: Set<String> = ["backend", "providers"]
    /// How deep modules may nest.
    static let maximumModuleDepth = 16

    /// Loads `directory` and every module it calls, from `files` (the disk unless said otherwise); the configuration
    /// is nil only when no file could be read at all.
    public static func load(directory: String, files: any ConfigurationFiles = LocalConfigurationFiles()) -> (Configuration?, Diagnostics) {
        var diagnostics = Diagnostics()
        var configuration = load(directory: directory, files: files, callers: [], diagnostics: &diagnostics)
        configuration?.files = files
        return (configuration, diagnostics)
    }

    /// The `backend:` block of the root module in `directory`, read without evaluating or loading modules; nil when
    /// there is none or the files cannot be read (loading the configuration reports why).
    public static func backend(directory: String, files: any ConfigurationFiles = LocalConfigurationFiles()) -> BackendDeclaration? {
        let names = (try? files.entries(of: directory))?.filter { $0.hasSuffix(".tandem.yaml") }.sorted() ?? []
        let sources = names.compactMap { file -> (path: String, text: String)? in
            let path = (directory as NSString).appendingPathComponent(file)
            guard case .success(let text)? = files.read(path, shownAs: path) else { return nil }
            return (path, text)
        }
        // Without the word (or a backslash, which could spell it in a quoted key) there is no backend block, and
        // parsing a large configuration twice (here and when loading it) is a noticeable part of a plan. Searched as
        // bytes: Foundation's `contains` bridges the text to NSString, and the standard library's `firstRange(of:)`
        // took 150 ms on a configuration of 100k names.
        guard sources.contains(where: { Self.holds($0.text, "backend") || Self.holds($0.text, "\\") }) else { return nil }
        return parse(sources: sources, directory: directory).0.backend
    }

    /// Whether `text` holds the bytes of `word` (a plain loop over the bytes: a few milliseconds for megabytes).
    private static func holds(_ text: String, _ word: String) -> Bool {
        var text = text
        let needle = Array(word.utf8)
        return text.withUTF8 { haystack in
            guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
            var index = 0
            while index <= haystack.count - needle.count {
                if haystack[index] == first, needle.indices.allSatisfy({ haystack[index + $0] == needle[$0] }) { return true }
                index += 1
            }
            return false
        }
    }

    /// Loads one module directory; `callers` are the directories (standardised) of the modules calling it.
    private static func load(directory: String, files reader: any ConfigurationFiles, callers: [String], call: ModuleCall? = nil,
                             diagnostics: inout Diagnostics) -> Configuration? {
        let files: [String]
        do {
            files = try reader.entries(of: directory)
                .filter { $0.hasSuffix(".tandem.yaml") }
                .sorted()
        } catch {
            let summary = call.map { "Module source \"\($0.source)\" not found" } ?? "Cannot read configuration directory \"\(directory)\""
            diagnostics.append(.error(summary, detail: "\(directory): \(error is LocalizedError ? error.localizedDescription : "\(error)")", range: call?.sourceRange))
            return nil
        }
        guard !files.isEmpty else {
            diagnostics.append(.error(call == nil ? "No configuration files" : "Module \"\(call!.name)\" has no configuration files",
                                      detail: "No *.tandem.yaml files found in \"\(directory)\".", range: call?.sourceRange))
            return nil
        }
        var sources: [(path: String, text: String)] = []
        for file in files {
            let path = directory == "." ? file : (directory as NSString).appendingPathComponent(file)
            switch reader.read(path, shownAs: path) {
            case .success(let text): sources.append((path, text))
            case .failure(let problem): diagnostics.append(problem.diagnostic)
            case nil: diagnostics.append(.error("Cannot read \"\(path)\""))
            }
        }
        var (configuration, parseDiagnostics) = parse(sources: sources, directory: directory, isRoot: call == nil)
        diagnostics.append(contentsOf: parseDiagnostics)
        let here = (directory as NSString).standardizingPath
        for index in configuration.modules.indices {
            let child = configuration.modules[index]
            let path = child.source.hasPrefix("/") ? child.source : (directory as NSString).appendingPathComponent(child.source)
            let standardised = (path as NSString).standardizingPath
            if let loop = (callers + [here]).firstIndex(of: standardised) {
                let chain = (callers + [here])[loop...].map { ($0 as NSString).lastPathComponent } + [(standardised as NSString).lastPathComponent]
                diagnostics.append(.error("Module \"\(child.name)\" calls itself",
                                          detail: "Module calls form a loop: \(chain.joined(separator: " -> ")).", range: child.sourceRange))
                continue
            }
            guard callers.count + 1 < maximumModuleDepth else {
                diagnostics.append(.error("Modules nest too deeply", detail: "At most \(maximumModuleDepth) levels of modules are allowed.", range: child.sourceRange))
                continue
            }
            configuration.modules[index].configuration = load(directory: path, files: reader, callers: callers + [here], call: child,
                                                               diagnostics: &diagnostics)
            configuration.modules[index].configuration?.files = reader
            for (file, text) in configuration.modules[index].configuration?.sources ?? [:] { configuration.sources[file] = text }
        }
        return configuration
    }

    /// Builds a configuration from already-read sources (path and text), in order. Module calls are parsed but their
    /// modules are not loaded (`load(directory:)` does that).
    public static func parse(sources: [(path: String, text: String)], directory: String, isRoot: Bool = true) -> (Configuration, Diagnostics) {
        var diagnostics = Diagnostics()
        var configuration = Configuration(directory: directory)
        var seen: [String: [String: SourceRange]] = [:]

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
                if !isRoot, rootOnlyBlocks.contains(block.key) {
                    diagnostics.append(.error("A module cannot declare \(block.key)",
                                              detail: block.key == "providers"
                                                ? "Provider configurations belong in the root module; pass them to the module with the call's providers: entry."
                                                : "Only the root module chooses where the state is kept.",
                                              range: block.keyRange))
                    continue
                }
                if case .scalar(let scalar) = block.value.kind, scalar.type == .null { continue }
                if block.key == "backend" {
                    if let previous = configuration.backend {
                        diagnostics.append(.error("Duplicate backend", detail: "The backend is already declared at \(previous.range).", range: block.keyRange))
                    } else {
                        configuration.backend = backend(block, diagnostics: &diagnostics)
                    }
                    continue
                }
                if block.key == "moved" {
                    guard isRoot else {
                        diagnostics.append(.error("moved entries belong in the root module",
                                                  detail: "Write the full addresses there, e.g. from: module.NAME.TYPE.OLD, to: module.NAME.TYPE.NEW.",
                                                  range: block.keyRange))
                        continue
                    }
                    configuration.moved += moved(block, diagnostics: &diagnostics)
                    continue
                }
                guard let entries = block.value.entries else {
                    diagnostics.append(.error("\"\(block.key)\" must be a map", detail: "Got a \(block.value.shapeName).", range: block.value.range))
                    continue
                }
                for entry in entries {
                    let kind = entryKinds[block.key] ?? block.key
                    let identity = block.key == "data" ? "data.\(entry.key)" : entry.key
                    if let previous = seen[block.key]?[identity] {
                        diagnostics.append(.error("Duplicate \(kind) \"\(entry.key)\"", detail: "The \(kind) \"\(entry.key)\" is already declared at \(previous).",
                                                  range: entry.keyRange))
                        continue
                    }
                    seen[block.key, default: [:]][identity] = entry.keyRange
                    add(entry, of: block.key, to: &configuration, diagnostics: &diagnostics)
                }
            }
        }
        configuration.resources.sort { $0.address < $1.address }
        configuration.outputs.sort { $0.name < $1.name }
        configuration.modules.sort { $0.name < $1.name }
        return (configuration, diagnostics)
    }

    /// What one entry of each block is called in messages.
    private static let entryKinds = ["variables": "variable", "locals": "local value", "providers": "provider", "data": "data source",
                                     "modules": "module", "resources": "resource", "outputs": "output"]

    private static func add(_ entry: SyntaxEntry, of block: String, to configuration: inout Configuration, diagnostics: inout Diagnostics) {
        switch block {
        case "variables":
            if let variable = variable(entry, diagnostics: &diagnostics) { configuration.variables[entry.key] = variable }
        case "locals":
            guard isIdentifier(Substring(entry.key)) else {
                diagnostics.append(.error("Invalid local value name \"\(entry.key)\"", detail: "Names start with a letter and contain letters, digits, \"_\" and \"-\".", range: entry.keyRange))
                return
            }
            configuration.locals[entry.key] = LocalDeclaration(name: entry.key, value: entry.value.expression(diagnostics: &diagnostics), range: entry.keyRange)
        case "providers":
            if let provider = provider(entry, diagnostics: &diagnostics) { configuration.providers[provider.key] = provider }
        case "resources", "data":
            if let resource = resource(entry, mode: block == "data" ? .data : .managed, diagnostics: &diagnostics) { configuration.resources.append(resource) }
        case "modules":
            if let call = moduleCall(entry, diagnostics: &diagnostics) { configuration.modules.append(call) }
        default:
            configuration.outputs.append(output(entry, diagnostics: &diagnostics))
        }
    }

    /// True for names that can be used in references: a letter or `_`, then letters, digits, `_` and `-`.
    static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
