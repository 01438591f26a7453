import Foundation
import Testing
import TandemCore
@testable import TandemLanguage

/// Alias bombs, oversized documents and invalid UTF-8: refused with a diagnostic at the offending position, on every
/// path that reads YAML (configuration files, `--var-file`, `fmt`) and every file `file()`/`templatefile()` read.
@Suite struct HostileInputTests {
    /// `levels` levels of ten aliases to the level below, under `locals:` (10^levels scalars once expanded).
    static func aliasBomb(levels: Int, perLevel: Int = 10) -> String {
        var lines = ["locals:", "  a0: &a0 [" + Array(repeating: "\"lol\"", count: perLevel).joined(separator: ", ") + "]"]
        for level in 1...levels {
            lines.append("  a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: perLevel).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fresh temporary directory.
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-hostile-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    // MARK: Alias bombs

    @Test(arguments: [9, 12, 30])
    func aliasBombsAreRefusedAtTheAliasThatCrossesTheBudget(levels: Int) throws {
        let (root, diagnostics) = YAMLReader.parse(Self.aliasBomb(levels: levels), file: "bomb.tandem.yaml")
        #expect(root == nil)
        let error = try #require(diagnostics.errors.first)
        #expect(error.summary == "YAML aliases expand too far")
        // Ten-fold levels pass 100000 aliased nodes at the eighth *a3 of level 4 (line 6, column 47), whatever follows.
        #expect(error.range == SourceRange(file: "bomb.tandem.yaml", line: 6, column: 47, length: 3))
        #expect(error.detail?.contains("100000") == true)
    }

    @Test func theBudgetCountsEveryNodeAnAliasBringsIn() {
        // Exactly at the budget passes; one node more does not: the count is exact, not a heuristic.
        let budget = YAMLAliasBudget.maximumAliasedNodes
        let list = "[" + Array(repeating: "x", count: 999).joined(separator: ", ") + "]"  // 1000 nodes with the list itself
        let uses = budget / 1000
        let within = "a: &a \(list)\nb: [" + Array(repeating: "*a", count: uses).joined(separator: ", ") + "]\n"
        #expect(YAMLAliasBudget.firstViolation(in: within) == nil)
        let beyond = "a: &a \(list)\nb: [" + Array(repeating: "*a", count: uses + 1).joined(separator: ", ") + "]\n"
        #expect(YAMLAliasBudget.firstViolation(in: beyond)?.anchor == "a")
    }

    @Test func aliasesAsKeysAreMeasuredBeforeYamsHashesThem() throws {
        // A mapping key that aliases a bomb would make the composer hash 10^9 nodes to look for duplicate keys.
        let text = Self.aliasBomb(levels: 9) + "keys:\n  ? *a9\n  : x\n"
        let (root, diagnostics) = YAMLReader.parse(text, file: "k.yaml")
        #expect(root == nil)
        #expect(diagnostics.errors.first?.summary == "YAML aliases expand too far")
    }

    @Test func aliasChainsThatNestTooDeepAreRefused() throws {
        // Each level adds one list around the last: few nodes, but 200 levels once expanded.
        var lines = ["a0: &a0 x"]
        for level in 1...200 { lines.append("a\(level): &a\(level) [*a\(level - 1)]") }
        let (root, diagnostics) = YAMLReader.parse(lines.joined(separator: "\n"), file: "deep.yaml")
        #expect(root == nil)
        let error = try #require(diagnostics.errors.first)
        #expect(error.summary == "YAML alias nests too deep")
        // Level k's alias sits inside the root map and its own list, so level 128 (line 129) is the first past 128;
        // the alias follows "a128: &a128 [" (13 characters).
        #expect(error.range?.start == SourcePosition(line: YAMLReader.maximumNesting + 1, column: 14))
    }

    @Test func ordinaryAliasesStillExpand() throws {
        let (root, diagnostics) = YAMLReader.parse("base: &tags {team: dr, app: s3}\ncopy: *tags\n", file: "ok.yaml")
        #expect(diagnostics.isEmpty, "\(diagnostics.items)")
        let copy = try #require(root?.entries?.first { $0.key == "copy" }?.value.entries)
        #expect(copy.map(\.key) == ["team", "app"])
    }

    @Test func loaderVarFilesAndFmtAllGoThroughTheBound() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/main.tandem.yaml"
        try Self.aliasBomb(levels: 9).write(toFile: path, atomically: true, encoding: .utf8)

        let (_, loaded) = ConfigurationLoader.load(directory: directory)
        #expect(loaded.errors.map(\.summary) == ["YAML aliases expand too far"])
        #expect(loaded.errors.first?.range?.file == path)

        let variables = VariableInputs(files: [path]).resolve([:]).1
        #expect(variables.errors.map(\.summary) == ["YAML aliases expand too far"])

        let formatted = ConfigurationFormatter.formatFiles([path], checkOnly: true)
        #expect(formatted.diagnostics.errors.map(\.summary) == ["YAML aliases expand too far"])
        #expect(formatted.changedFiles.isEmpty)
    }

    @Test func documentsLargerThanTheCapAreRefusedBeforeParsing() {
        let text = "a: \"" + String(repeating: "x", count: SourceText.maximumBytes) + "\"\n"
        let (root, diagnostics) = YAMLReader.parse(text, file: "big.yaml")
        #expect(root == nil)
        #expect(diagnostics.errors.first?.summary == "Document too large")
        #expect(diagnostics.errors.first?.range?.start == SourcePosition(line: 1, column: 1))
    }

    // MARK: Invalid UTF-8

    @Test(arguments: [
        // (bytes after "ab\n", line, column of the first bad byte)
        ([0xFF], 2, 1),                           // never valid in UTF-8
        ([0x63, 0xC3, 0x28], 2, 2),               // a lead byte followed by a non-continuation byte
        ([0xC3, 0xA9, 0xC0, 0x80], 2, 2),         // é, then an overlong encoding of NUL
        ([0x78, 0xED, 0xA0, 0x80], 2, 2),         // an encoded UTF-16 surrogate
        ([0x0A, 0x20, 0x20, 0xE2, 0x82], 3, 3),   // a character cut off by the end of the file
    ] as [([UInt8], Int, Int)])
    func invalidUTF8IsLocatedAtItsFirstBadByte(bytes: [UInt8], line: Int, column: Int) throws {
        let data = Data(Array("ab\n".utf8) + bytes)
        guard case .failure(let problem) = SourceText.decode(data, file: "x.yaml") else {
            Issue.record("invalid UTF-8 was decoded")
            return
        }
        #expect(problem.summary == "Invalid UTF-8")
        #expect(problem.range.start == SourcePosition(line: line, column: column))
        #expect(problem.detail.contains("x.yaml"))
    }

    @Test func validUTF8DecodesUnchanged() {
        let text = "name: café 日本 🚀\n"
        #expect(SourceText.decode(Data(text.utf8), file: "x.yaml") == .success(text))
    }

    @Test func invalidUTF8IsReportedForConfigurationVarFilesFmtAndFunctions() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bad = Data(Array("resources:\n  q:\n    name: caf".utf8) + [0xE9] + Array("\n".utf8))  // Latin-1 é
        let path = directory + "/main.tandem.yaml"
        try bad.write(to: URL(fileURLWithPath: path))

        let (_, loaded) = ConfigurationLoader.load(directory: directory)
        let error = try #require(loaded.errors.first)
        #expect(error.summary == "Invalid UTF-8")
        #expect(error.range == SourceRange(file: path, line: 3, column: 14))

        let variables = VariableInputs(files: [path]).resolve([:]).1
        #expect(variables.errors.first?.range == SourceRange(file: path, line: 3, column: 14))

        let formatted = ConfigurationFormatter.formatFiles([path], checkOnly: false)
        #expect(formatted.diagnostics.errors.first?.range == SourceRange(file: path, line: 3, column: 14))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bad, "left as it was")

        let read = FunctionTests.evaluate(#"${file("main.tandem.yaml")}"#, baseDirectory: directory).1
        #expect(read.errors.first?.detail?.hasPrefix("file(): main.tandem.yaml:3:14:") == true, "\(read.errors)")
    }

    @Test func functionsRefuseFilesOverTheCap() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(count: SourceText.maximumBytes + 1).write(to: URL(fileURLWithPath: directory + "/big.bin"))
        let read = FunctionTests.evaluate(#"${file("big.bin")}"#, baseDirectory: directory).1
        #expect(read.errors.first?.detail?.contains("at most 4 MiB") == true, "\(read.errors)")
    }
}
