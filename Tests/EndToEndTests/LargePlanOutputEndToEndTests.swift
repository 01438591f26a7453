import ChildProcess
import Foundation
import Testing

/// `tandem plan` of more resources than `PlanRenderer.parallelRenderingThreshold` (10,000): the human plan is rendered,
/// and `--json` encoded, on two threads, and both come out whole and in order. No network: buckets with no state need
/// no refresh.
@Suite struct LargePlanOutputEndToEndTests {
    @Test func aPlanRenderedOnTwoThreadsHasEveryResourceOnceInOrder() async throws {
        // Odd, so the renderer's halves differ in size; 20 rounds of two 256-change JSON blocks and one change more, so
        // the last round leaves the second thread nothing to encode.
        let count = 10_241
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-large-plan-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = (0..<count).map { String(format: "n%05d", $0) }
        try """
            providers:
              aws: {region: us-east-1, access_key: test, secret_key: test, endpoint: "http://127.0.0.1:9"}
            locals:
              names: [\(names.joined(separator: ", "))]
            resources:
              aws_s3_bucket.site:
                for_each: ${toset(local.names)}
                bucket: large-plan-${each.key}
                tags: {site: "${each.value}"}

            """.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let tandem = TandemBinary(directory: directory, environment: ProcessInfo.processInfo.environment)
        let run = try await tandem.run(["plan", "--no-color"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // Each resource's headline once, in the order of its key; then its own lines up to a blank line.
        let headlines = lines.filter { $0.hasPrefix("  # aws_s3_bucket.site[") }.map(String.init)
        #expect(headlines == names.map { "  # aws_s3_bucket.site[\"\($0)\"] will be created" })
        let headline = "  # aws_s3_bucket.site[\""
        var current: String?
        var tagsSeen = 0
        for line in lines {
            if line.hasPrefix(headline) {
                #expect(current == nil, "a resource's lines run into the next: \(line)")
                current = String(line.dropFirst(headline.count).prefix(6))
            } else if line.isEmpty {
                current = nil
            } else if let key = current, line.contains(" tags ") {
                #expect(line.hasSuffix("= { site = \"\(key)\" }"), "\(line) under \(key)")
                tagsSeen += 1
            }
        }
        #expect(tagsSeen == count)
        #expect(run.stdout.hasSuffix("Plan: \(count) to create, 0 to update, 0 to replace, 0 to delete.\n"))

        // --json encodes this many resource changes on two threads, block by block: each comes once, in order.
        let json = try await ChildProcess.run([TandemBinary.path, "plan", "--json"], environment: tandem.environment,
                                              workingDirectory: directory, outputLimit: 64 << 20)  // about 27 MB
        #expect(json.status == 0, "\(json.standardError)")
        let document = try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any]
        let addresses = (document?["resource_changes"] as? [[String: Any]])?.compactMap { $0["address"] as? String }
        #expect(addresses == names.map { "aws_s3_bucket.site[\"\($0)\"]" })
        // Each item is written with the same separator and indentation as on one thread (byte for byte against
        // `JSONEncoder` in `StreamedPlanJSONEndToEndTests`; reading 27 MB back that way here took 25 s of the test);
        // what two threads could get wrong is which items come, and in what order. The text between two items:
        #expect(!json.standardOutput.isEmpty && String(decoding: json.standardOutput, as: UTF8.self).components(separatedBy: "\n    },\n    {\n").count == count)
    }
}

/// `tandem plan --json` is written member by member (`StreamedJSON`), and must come out as the same bytes
/// `JSONEncoder` gives for the whole document: read back as plain JSON and encoded again with the same options, it
/// is equal byte for byte (indentation, key order, escapes, numbers).
@Suite struct StreamedPlanJSONEndToEndTests {
    /// Any JSON document, to read `--json` back without Tandem's own types.
    indirect enum JSONValue: Codable, Equatable {
        case null, bool(Bool), integer(Int), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Int.self) { self = .integer(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
            else { self = .object(try container.decode([String: JSONValue].self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }
    }

    /// An empty top-level object (`output --json` with nothing in state) is `{`, an empty line and `}`, as
    /// `JSONEncoder` writes it.
    @Test func anEmptyObjectIsWhatJSONEncoderWouldWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-empty-json-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "providers:\n  aws: {region: us-east-1, access_key: test, secret_key: test, endpoint: \"http://127.0.0.1:9\"}\n"
            .write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let run = try await TandemBinary(directory: directory, environment: ProcessInfo.processInfo.environment).run(["output", "--json"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        #expect(run.stdout == String(decoding: try encoder.encode([String: JSONValue]()), as: UTF8.self) + "\n")
    }

    @Test func planJSONIsWhatJSONEncoderWouldWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-plan-json-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"""
            providers:
              aws: {region: us-east-1, access_key: test, secret_key: test, endpoint: "http://127.0.0.1:9"}
            variables:
              size: {type: number, default: 1.5}
              Zeta: {type: string, default: "z"}
              a10: {type: list, default: [1, 2.5, "three"]}
            locals:
              notes: {a10: "path/to:x", a9: "a+b=c@d", b: "plain", Z: ""}
              tricky: ["quo\"te", "slash/ed and back\\slash", "ünïcödé ✓", "tab\tand\nnewline", ""]
            resources:
              aws_s3_bucket.site:
                for_each: ${local.notes}
                bucket: streamed-json-${lower(each.key)}
                tags: {note: "${each.value}", size: "${var.size}"}
            outputs:
              tricky: {value: "${local.tricky}"}
              size: {value: "${var.size}"}

            """#.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let tandem = TandemBinary(directory: directory, environment: ProcessInfo.processInfo.environment)
        let run = try await tandem.run(["plan", "--json"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        guard case .object(let members) = document, case .array(let changes) = members["resource_changes"] else {
            Issue.record("not a plan: \(run.stdout.prefix(500))")
            return
        }
        #expect(changes.count == 4, "the array member was streamed element by element")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
        #expect(run.stdout == expected)
        #expect(members["variables"].map { if case .object(let variables) = $0 { variables.count == 3 } else { false } } == true,
                "a dictionary member of several keys (sorted by the writer)")
        if run.stdout != expected {
            let lines = zip(run.stdout.split(separator: "\n", omittingEmptySubsequences: false), expected.split(separator: "\n", omittingEmptySubsequences: false))
            if let (index, pair) = lines.enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("first difference at line \(index + 1): got \(pair.0.debugDescription), JSONEncoder \(pair.1.debugDescription)")
            }
        }
    }
}
