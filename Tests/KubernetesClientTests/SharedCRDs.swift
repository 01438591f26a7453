import Foundation
import KubernetesClient
import TandemCore

/// The real CRDs and sample custom resources the tests use, read from where they live (`<repo>/../shared/crds`, or
/// `TANDEM_CRDS`), never copied into the project.
enum SharedCRDs {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The folder of CRDs.
    static func directory() throws -> String {
        let path: String
        if let configured = ProcessInfo.processInfo.environment["TANDEM_CRDS"], !configured.isEmpty {
            path = configured
        } else {
            let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            path = repository.deletingLastPathComponent().appendingPathComponent("shared/crds").standardizedFileURL.path
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.fileExists(atPath: path + "/samples") else {
            throw Missing(description: "The real CRDs are missing: expected a folder of CRD files with a samples/ folder at \(path). "
                + "Set TANDEM_CRDS to the folder that holds them (the shared crds/ folder next to the repository).")
        }
        return path
    }

    /// Every CRD under the folder, read once for all tests (the Rook and Camel K files are about 1.7 MB together).
    static func catalog() throws -> CustomResourceDefinitionCatalog {
        try loaded.get()
    }

    private static let loaded = Result { CustomResourceDefinitionCatalog(try CustomResourceDefinitionLoader.load(from: try directory())) }

    /// The CRD of `kind` in `group`.
    static func definition(group: String, kind: String) throws -> CustomResourceDefinition {
        guard let definition = try catalog().definitions.first(where: { $0.group == group && $0.names.kind == kind }) else {
            throw Missing(description: "no CRD for \(kind) in \(group) under \(try directory())")
        }
        return definition
    }

    /// The sample files (`samples/*.yaml`), by name.
    static func sampleFiles() throws -> [String] {
        let folder = try directory() + "/samples"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// The documents of one sample file.
    static func samples(in file: String) throws -> [Value] {
        let text = try String(contentsOfFile: try directory() + "/samples/" + file, encoding: .utf8)
        return try YAMLDocuments.parse(text).filter { $0 != .null }
    }
}
