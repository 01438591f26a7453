import Foundation
import Testing
import TandemCore
import TandemLanguage

@Suite struct ConfigurationLoaderTests {
    private func load(_ text: String, file: String = "main.tandem.yaml") -> (Configuration, Diagnostics) {
        ConfigurationLoader.parse(sources: [(file, text)], directory: ".")
    }

    @Test func loadsBlocksWithPositions() throws {
        let (configuration, diagnostics) = load("""
        variables:
          region:
            default: af-south-1
        providers:
          aws.dest:
            region: ${var.region}
        resources:
          aws_sqs_queue.dlq:
            name: dlq
          aws_sqs_queue.events:
            provider: aws.dest
            depends_on: [aws_sqs_queue.dlq]
            redrive_policy:
              dead_letter_target_arn: ${aws_sqs_queue.dlq.arn}
        outputs:
          url: ${aws_sqs_queue.events.url}
          long:
            value: x
            sensitive: true
        """)
        #expect(diagnostics.isEmpty)
        #expect(configuration.variables["region"]?.defaultValue == .string("af-south-1"))
        #expect(configuration.providers["aws.dest"]?.alias == "dest")
        let events = try #require(configuration.resource(ResourceAddress(type: "aws_sqs_queue", name: "events")))
        #expect(events.providerKey == "aws.dest")
        #expect(events.range.start == SourcePosition(line: 10, column: 3))
        #expect(events.explicitDependencies.map(\.address.description) == ["aws_sqs_queue.dlq"])
        #expect(events.body.traversals.map(\.text) == ["aws_sqs_queue.dlq.arn"])
        #expect(events.body.traversals.first?.range.start == SourcePosition(line: 14, column: 33))
        #expect(configuration.outputs.map(\.name) == ["long", "url"])
        #expect(configuration.outputs.first?.sensitive == true)
    }

    @Test func tabsAreReportedAtTheirPosition() {
        let (_, diagnostics) = load("resources:\n\taws_sqs_queue.a:\n")
        #expect(diagnostics.errors.first?.summary == "Tab character used for indentation")
        #expect(diagnostics.errors.first?.range?.description == "main.tandem.yaml:2:1")
    }

    @Test func badIndentationIsReportedWithYAMLsPosition() {
        let (_, diagnostics) = load("resources:\n  aws_sqs_queue.a:\n    name: x\n   bad: y\n")
        let error = diagnostics.errors.first
        #expect(error?.summary.hasPrefix("Invalid YAML") == true)
        #expect(error?.range?.start.line == 4)
    }

    @Test func duplicateKeysPointAtTheSecondOccurrence() {
        let (_, diagnostics) = load("resources:\n  aws_sqs_queue.a:\n    name: x\n    name: y\n")
        let error = diagnostics.errors.first
        #expect(error?.summary == #"Duplicate key "name""#)
        #expect(error?.range?.description == "main.tandem.yaml:4:5")
        #expect(error?.detail?.contains("line 3") == true)
    }

    @Test func unknownBlockSuggestsTheClosest() {
        let (_, diagnostics) = load("resorces:\n  aws_sqs_queue.a: {}\n")
        #expect(diagnostics.errors.first?.summary == #"Unknown block "resorces""#)
        #expect(diagnostics.errors.first?.detail?.contains(#"Did you mean "resources"?"#) == true)
        #expect(diagnostics.errors.first?.range?.description == "main.tandem.yaml:1:1")
    }

    @Test func severalIndependentErrorsAreReportedTogether() {
        let (_, diagnostics) = load("""
        resources:
          bad-key:
            name: x
          aws_sqs_queue.a:
            name: "${var.x +}"
        outputs:
          o: "${)}"
        """)
        #expect(diagnostics.errors.count == 3)
    }

    @Test func duplicateResourcesAcrossFilesAreErrors() {
        let (_, diagnostics) = ConfigurationLoader.parse(sources: [
            ("a.tandem.yaml", "resources:\n  aws_sqs_queue.q: {name: a}\n"),
            ("b.tandem.yaml", "resources:\n  aws_sqs_queue.q: {name: b}\n"),
        ], directory: ".")
        #expect(diagnostics.errors.first?.summary == #"Duplicate resource "aws_sqs_queue.q""#)
        #expect(diagnostics.errors.first?.range?.file == "b.tandem.yaml")
        #expect(diagnostics.errors.first?.detail?.contains("a.tandem.yaml:2:3") == true)
    }

    @Test func loadsOnlyTandemFilesOfADirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-load-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "resources:\n  aws_sqs_queue.q: {name: a}\n".write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        try "not: [valid".write(toFile: directory + "/notes.yaml", atomically: true, encoding: .utf8)
        let (configuration, diagnostics) = ConfigurationLoader.load(directory: directory)
        #expect(diagnostics.isEmpty)
        #expect(configuration?.resources.count == 1)
        let (_, empty) = ConfigurationLoader.load(directory: directory + "/nowhere")
        #expect(empty.hasErrors)
    }
}
