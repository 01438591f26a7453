import Foundation
import TandemCore

/// Reads CustomResourceDefinitions from files a user points to (for offline validation): one YAML or JSON file, or a
/// directory searched recursively for `.yaml`, `.yml` and `.json` files. Files hold any number of `---`-separated
/// documents; documents that are not CRDs (the custom resources themselves, Namespaces, ...) are skipped, and a
/// `kind: List` is looked into.
public enum CustomResourceDefinitionLoader {
    /// The CRDs in the file or directory at `path`, in file-name order. Throws ``CustomResourceDefinitionError``
    /// naming the file (and document) that cannot be read, or both files when two define the same CRD.
    public static func load(from path: String) throws -> [CustomResourceDefinition] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CustomResourceDefinitionError("no such file or directory", file: path)
        }
        let files = isDirectory.boolValue ? try manifestFiles(under: path) : [path]
        var definitions: [CustomResourceDefinition] = []
        var origins: [String: String] = [:]
        for file in files {
            for definition in try load(file: file) {
                if let earlier = origins[definition.name] {
                    throw CustomResourceDefinitionError("\(definition.name) is also defined in \(earlier)", file: file)
                }
                origins[definition.name] = file
                definitions.append(definition)
            }
        }
        return definitions
    }

    /// The CRDs among the documents of `text`, read from `file` (used in errors only).
    public static func definitions(inYAML text: String, file: String) throws -> [CustomResourceDefinition] {
        let documents: [Value]
        do {
            documents = try YAMLDocuments.parse(text)
        } catch {
            throw CustomResourceDefinitionError("not valid YAML: \(error)", file: file)
        }
        var definitions: [CustomResourceDefinition] = []
        for (index, document) in documents.enumerated() {
            let candidates = document["kind"].stringValue == "List" ? document["items"].listValue ?? [] : [document]
            for candidate in candidates where CustomResourceDefinition.isDefinition(candidate) {
                do {
                    definitions.append(try CustomResourceDefinition(candidate))
                } catch let error as CustomResourceDefinitionError {
                    throw CustomResourceDefinitionError(error.message, file: file, documentNumber: index + 1)
                }
            }
        }
        return definitions
    }

    private static func load(file: String) throws -> [CustomResourceDefinition] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CustomResourceDefinitionError("cannot be read: \(error.localizedDescription)", file: file)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CustomResourceDefinitionError("is not UTF-8 text", file: file)
        }
        return try definitions(inYAML: text, file: file)
    }

    private static func manifestFiles(under directory: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw CustomResourceDefinitionError("cannot list the directory", file: directory)
        }
        var files: [String] = []
        for case let relative as String in walker {
            let name = (relative as NSString).lastPathComponent
            guard !name.hasPrefix("."), ["yaml", "yml", "json"].contains((name as NSString).pathExtension.lowercased()) else { continue }
            files.append((directory as NSString).appendingPathComponent(relative))
        }
        return files.sorted()
    }
}
