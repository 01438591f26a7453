import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemTesting

/// Fixture configurations whose offending lines carry `# ERROR: <summary>`: validating each fixture must report
/// exactly those errors, on those lines, in those files.
@Suite struct DiagnosticGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/diagnostics").path
    static let fixtures = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()

    /// `file:line: summary` for every `# ERROR:` comment under `directory` (subdirectories included).
    static func expectations(in directory: String) -> Set<String> {
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

    @Test func everyFixtureExists() {
        #expect(Self.fixtures.count >= 5, "fixtures missing under \(Self.root)")
    }

    @Test(arguments: fixtures)
    func fixtureReportsExactlyTheMarkedErrors(name: String) {
        let directory = Self.root + "/" + name
        let (configuration, loadDiagnostics) = ConfigurationLoader.load(directory: directory)
        var errors = loadDiagnostics.errors
        if let configuration {
            errors += Validator.validate(configuration, registry: ProviderRegistry([InMemoryProvider(cloud: InMemoryCloud())])).errors
        }
        let reported = Set(errors.map { error -> String in
            guard let range = error.range else { return "(no location): \(error.summary)" }
            let file = URL(fileURLWithPath: range.file).standardizedFileURL.path.replacingOccurrences(of: URL(fileURLWithPath: directory).standardizedFileURL.path + "/", with: "")
            return "\(file):\(range.start.line): \(error.summary)"
        })
        let expected = Self.expectations(in: directory)
        #expect(expected.subtracting(reported).isEmpty, "expected but not reported: \(expected.subtracting(reported).sorted())")
        #expect(reported.subtracting(expected).isEmpty, "reported but not expected: \(reported.subtracting(expected).sorted())")
    }
}
