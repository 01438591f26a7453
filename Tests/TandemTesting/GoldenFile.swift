import Foundation
import Testing

/// Text compared with a file checked into the repository (`Golden/NAME` beside the test file). Run the tests with
/// `TANDEM_UPDATE_GOLDEN=1` to write the file after a deliberate change, then review its diff.
public enum GoldenFile {
    /// Records an issue showing the first differing line when `text` differs from the golden file `name`.
    public static func check(_ text: String, name: String, testFile: String = #filePath, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Golden").appendingPathComponent(name).path
        if ProcessInfo.processInfo.environment["TANDEM_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record("no golden file \(path): run with TANDEM_UPDATE_GOLDEN=1 to write it", sourceLocation: sourceLocation)
            return
        }
        guard text != expected else { return }
        let got = text.components(separatedBy: "\n"), want = expected.components(separatedBy: "\n")
        let line = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        Issue.record("""
            \(name) differs from \(path) at line \(line + 1):
              expected: \(line < want.count ? want[line] : "(end of file)")
              got:      \(line < got.count ? got[line] : "(end of file)")
            """, sourceLocation: sourceLocation)
    }
}
