import Foundation
import TandemCore
import TandemEngine
import TandemLanguage

/// Golden diagnostic fixtures: directories of configurations whose offending lines carry `# ERROR: <summary>`.
/// Validating a fixture must report exactly those errors, on those lines, in those files.
public enum GoldenDiagnostics {
    /// `file:line: summary` for every `# ERROR:` comment under `directory` (subdirectories included; files relative to it).
    public static func expected(in directory: String) -> Set<String> {
        var result: Set<String> = []
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".tandem.yaml") } ?? []
        for file in files {
            let text = (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)) ?? ""
            for (index, line) in text.components(separatedBy: "\n").enumerated() {
                guard let marker = line.range(of: "# ERROR: ") else { continue }
                result.insert("\(file):\(index + 1): \(line[marker.upperBound...])")
            }
        }
        return result
    }

    /// The errors loading `directory` and validating it against `registry` (as `tandem validate` does), and the same as
    /// `file:line: summary` lines comparable with `expected(in:)`.
    public static func reported(in directory: String, registry: ProviderRegistry) -> (lines: Set<String>, errors: [Diagnostic]) {
        let (configuration, loadDiagnostics) = ConfigurationLoader.load(directory: directory)
        var errors = loadDiagnostics.errors
        if let configuration { errors += Validator.validate(configuration, registry: registry).errors }
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path + "/"
        let lines = Set(errors.map { error -> String in
            guard let range = error.range else { return "(no location): \(error.summary)" }
            let file = URL(fileURLWithPath: range.file).standardizedFileURL.path.replacingOccurrences(of: base, with: "")
            return "\(file):\(range.start.line): \(error.summary)"
        })
        return (lines, errors)
    }
}
