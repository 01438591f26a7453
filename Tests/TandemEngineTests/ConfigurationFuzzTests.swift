import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage

/// Thousands of generated and mutated documents through the loader and the validator: each must end in a clean
/// result or in diagnostics that carry a position; a crash, hang or stack overflow would end the test run.
@Suite struct ConfigurationFuzzTests {
    /// A small deterministic generator (SplitMix64), so a failure can be reproduced from its seed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
        mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    }

    static let fragments = ["${", "}", "$${", "\"", "'", ":", "- ", "[", "]", "{", "}", "#", "\t", "é", "日本", "\\", "&a", "*a", "!!str", "%", "\n", "  ", "var.", "local.", "mem_queue.", "(", ")", "?", "==", "&&"]

    static func scalar(_ g: inout Generator) -> String {
        switch g.int(0...9) {
        case 0: return "${var.v\(g.int(0...3))}"
        case 1: return "${local.l\(g.int(0...4))}"
        case 2: return "${mem_queue.q\(g.int(0...3)).\(g.pick(["arn", "name", "nope"]))}"
        case 3: return "\"${\(g.pick(["lower", "upper", "length", "join", "nosuch", "try", "format"]))(\(g.pick(["var.v0", "\\\"x\\\"", "[1, 2]", "{a = 1}", ""])))}\""
        case 4: return String(repeating: g.pick(["a", "${", "é", "[", "x "]), count: g.int(0...2000))
        case 5: return "\"\(g.pick(fragments))\(g.pick(fragments))\""
        case 6: return String(g.int(-5...99999))
        case 7: return g.pick(["true", "no", "null", "~", "1e309", "-0", "0x1F"])
        case 8: return "${" + String(repeating: "(", count: g.int(0...200)) + "1" + String(repeating: ")", count: g.int(0...200)) + "}"
        default: return g.pick(fragments) + "text" + g.pick(fragments)
        }
    }

    static func value(_ g: inout Generator, depth: Int) -> String {
        guard depth > 0, g.chance(40) else { return scalar(&g) }
        if g.chance(50) {
            return "[" + (0..<g.int(0...3)).map { _ in value(&g, depth: depth - 1) }.joined(separator: ", ") + "]"
        }
        return "{" + (0..<g.int(0...3)).map { _ in "\(g.pick(["name", "dlq_arn", "tags", "x", "versioning"])): \(value(&g, depth: depth - 1))" }.joined(separator: ", ") + "}"
    }

    static func document(_ g: inout Generator) -> String {
        var lines: [String] = []
        if g.chance(70) {
            lines.append("variables:")
            for i in 0..<g.int(0...3) { lines.append("  v\(i): {default: \(value(&g, depth: 2))\(g.chance(20) ? ", sensitive: true" : "")}") }
        }
        if g.chance(60) {
            lines.append("locals:")
            // Locals often refer to each other, so loops appear.
            for i in 0..<g.int(0...4) { lines.append("  l\(i): \(g.chance(50) ? "${local.l\(g.int(0...4))}" : value(&g, depth: 2))") }
        }
        lines.append(g.pick(["resources:", "resorces:", "resources: []", "resources:"]))
        for i in 0..<g.int(0...4) {
            lines.append("  \(g.pick(["mem_queue", "mem_bucket", "mem_nope", "bad key"])).q\(i):")
            for _ in 0..<g.int(0...3) {
                lines.append("    \(g.pick(["name", "dlq_arn", "tags", "versioning", "depends_on", "provider", "settings", "arn"])): \(value(&g, depth: 3))")
            }
            if g.chance(30) { lines.append("    \(repetition(&g))") }
        }
        if g.chance(20) {
            lines.append("data:")
            lines.append("  mem_bucket.d: {name: \(value(&g, depth: 1))}")
        }
        if g.chance(20) {
            lines.append("moved:")
            lines.append("  - {from: \(g.pick(["mem_queue.q0", "mem_queue.q1[0]", "nope", "module.x.mem_queue.q2"])), to: \(g.pick(["mem_queue.q3", "mem_bucket.q0", "x"]))}")
        }
        if g.chance(15) {
            // A module calling a directory that does not exist (or this one): both are located errors, never a crash.
            lines.append("modules:")
            lines.append("  m: {source: \(g.pick(["./missing", ".", "../nowhere"])), inputs: {v0: \(value(&g, depth: 1))}, \(repetition(&g))}")
        }
        if g.chance(50) {
            lines.append("outputs:")
            lines.append("  o: \(value(&g, depth: 2))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `count` or `for_each`, sometimes huge, negative, unknown or referring to each other.
    static func repetition(_ g: inout Generator) -> String {
        g.pick(["count: \(g.int(-2...5))", "count: 1e12", "for_each: \(value(&g, depth: 2))", "for_each: ${var.v0}",
                "for_each: ${mem_queue.q0.tags}", "count: ${length(local.l0)}", "for_each: [a, a]", "count: ${count.index}"])
    }

    static func mutate(_ text: String, _ g: inout Generator) -> String {
        var characters = Array(text)
        for _ in 0..<g.int(1...8) where !characters.isEmpty {
            let at = g.int(0...characters.count - 1)
            switch g.int(0...3) {
            case 0: characters.remove(at: at)
            case 1: characters.insert(contentsOf: Array(g.pick(fragments)), at: at)
            case 2: characters.insert(contentsOf: characters[at..<min(characters.count, at + g.int(1...40))], at: at)
            default: characters[at] = g.pick(Array("\t :-[]{}\"'$#\n"))
            }
        }
        return String(characters)
    }

    static func check(_ text: String, seed: Int) {
        let harness = EngineHarness()
        let (configuration, diagnostics) = ConfigurationLoader.parse(sources: [("fuzz.tandem.yaml", text)], directory: ".")
        var all = diagnostics
        if !diagnostics.hasErrors { all.append(contentsOf: Validator.validate(configuration, registry: harness.registry)) }
        for diagnostic in all.errors {
            #expect(!diagnostic.summary.isEmpty, "seed \(seed)")
            if let range = diagnostic.range {
                #expect(range.start.line >= 1 && range.start.column >= 1, "seed \(seed): \(diagnostic.summary)")
            }
        }
    }

    @Test func generatedDocumentsEndInResultsOrLocatedDiagnostics() {
        for seed in 0..<1500 {
            var g = Generator(state: UInt64(seed))
            Self.check(Self.document(&g), seed: seed)
        }
    }

    @Test func mutatedExamplesEndInResultsOrLocatedDiagnostics() {
        let base = """
        variables:
          env: {default: prod, validation: {condition: "${var.env != \\"\\"}", error_message: empty}}
        locals:
          prefix: "rciis-${var.env}"
        resources:
          mem_queue.dlq:
            name: "${local.prefix}-dlq"
          mem_queue.events:
            name: ${format("%s-events", local.prefix)}
            dlq_arn: ${mem_queue.dlq.arn}
            depends_on: [mem_queue.dlq]
          mem_bucket.b:
            name: ${lower(local.prefix)}
            tags: {a: "${try(var.env, \\"x\\")}"}
            settings: {retention: 5}
        outputs:
          arn: ${mem_queue.events.arn}
        """
        for seed in 0..<1500 {
            var g = Generator(state: UInt64(seed) &+ 1_000_000)
            Self.check(Self.mutate(base, &g), seed: seed)
        }
    }

    @Test(arguments: [
        ("deep block nesting", (0..<400).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n")),
        ("deep flow nesting", "resources: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
        ("deep expression", "locals:\n  x: \"${" + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + "}\""),
        ("nested templates", "locals:\n  x: \"" + String(repeating: "${\\\"", count: 300) + "x" + String(repeating: "\\\"}", count: 300) + "\""),
        ("huge string, valid syntax", "locals:\n  x: \"" + String(repeating: "é${var.a}", count: 200_000) + "\""),
        ("alias bomb", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"),
        ("unterminated everything", "resources:\n  mem_queue.q:\n    name: \"${lower(\"[{\n"),
    ])
    func hostileDocumentsEndInDiagnostics(name: String, text: String) {
        let (_, diagnostics) = ConfigurationLoader.parse(sources: [("hostile.tandem.yaml", text)], directory: ".")
        #expect(diagnostics.hasErrors != name.hasSuffix("valid syntax"), "\(name)")
        #expect(diagnostics.errors.allSatisfy { $0.range != nil }, "\(name)")
    }

    /// Alias bombs of many shapes (lists or maps, fan-out 2 to 10, up to 40 levels, in values or keys): each ends in
    /// the alias diagnostic at an alias of the document, before anything is expanded. A bomb that were expanded would
    /// not end: 10^9 nodes and more.
    @Test func aliasBombsOfEveryShapeEndAtAnAlias() {
        var g = Generator(state: 42)
        for round in 0..<60 {
            let fanOut = g.int(2...10)
            let levels = g.int(25...40)
            let asMap = g.chance(50)
            var lines = ["locals:", "  l0: &l0 " + (asMap ? "{" + (0..<fanOut).map { "k\($0): lol" }.joined(separator: ", ") + "}"
                                                           : "[" + Array(repeating: "lol", count: fanOut).joined(separator: ", ") + "]")]
            for level in 1...levels {
                let aliases = (0..<fanOut).map { asMap ? "k\($0): *l\(level - 1)" : "*l\(level - 1)" }
                lines.append("  l\(level): &l\(level) " + (asMap ? "{" : "[") + aliases.joined(separator: ", ") + (asMap ? "}" : "]"))
            }
            if g.chance(30) { lines.append("  keyed: {? *l\(levels) : x}") }
            let text = lines.joined(separator: "\n") + "\n"
            let (_, diagnostics) = ConfigurationLoader.parse(sources: [("bomb.tandem.yaml", text)], directory: ".")
            let error = diagnostics.errors.first
            #expect(diagnostics.errors.count == 1, "round \(round)")
            #expect(error?.summary == "YAML aliases expand too far" || error?.summary == "YAML alias nests too deep", "round \(round): \(String(describing: error))")
            if let range = error?.range {
                let line = text.split(separator: "\n", omittingEmptySubsequences: false)[range.start.line - 1]
                #expect(line.dropFirst(range.start.column - 1).hasPrefix("*l"), "round \(round): points at an alias")
            }
        }
    }
}
