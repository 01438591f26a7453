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

    @Test func everyFixtureExists() {
        #expect(Self.fixtures.count >= 5, "fixtures missing under \(Self.root)")
    }

    @Test(arguments: fixtures)
    func fixtureReportsExactlyTheMarkedErrors(name: String) {
        let directory = Self.root + "/" + name
        let reported = GoldenDiagnostics.reported(in: directory, registry: ProviderRegistry([InMemoryProvider(cloud: InMemoryCloud())])).lines
        let expected = GoldenDiagnostics.expected(in: directory)
        #expect(expected.subtracting(reported).isEmpty, "expected but not reported: \(expected.subtracting(reported).sorted())")
        #expect(reported.subtracting(expected).isEmpty, "reported but not expected: \(reported.subtracting(expected).sorted())")
    }
}
