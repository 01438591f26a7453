import Foundation
import Testing
import TandemCore
import TandemLanguage

@Suite struct FormatterTests {
    // MARK: Fixtures

    /// 4-space indentation, reordered keys, comments everywhere, a block scalar, a flow list and blank line runs.
    static let messy = """
    # Header for the file.

    resources:    # all resources
        aws_sqs_queue.events:
            visibility_timeout_seconds: 300
            # the queue name
            name: "events"   # quoted stays quoted
            lifecycle:
                prevent_destroy: true
            depends_on: [aws_sqs_queue.dlq]
            provider: aws.dest
            policy: |
                {
                  "Version": "2012-10-17"
                }
            tags: {}
            # end of events



        aws_sqs_queue.dlq:
            name: 'dlq'
    variables:
        region:
            default: af-south-1
            description: >-
                Where the
                replica lives.
            type: string
            validation:
            -   error_message: "Region must be set."
                condition: ${length(var.region) > 0}
    outputs:
        url: ${aws_sqs_queue.events.url}   \("")
    # trailing comment of the file
    """

    static let messyFormatted = """
    # Header for the file.

    variables:
      region:
        type: string
        description: >-
          Where the
          replica lives.
        default: af-south-1
        validation:
          - condition: ${length(var.region) > 0}
            error_message: "Region must be set."

    resources: # all resources
      aws_sqs_queue.events:
        provider: aws.dest
        depends_on: [aws_sqs_queue.dlq]
        visibility_timeout_seconds: 300
        # the queue name
        name: "events" # quoted stays quoted
        policy: |
          {
            "Version": "2012-10-17"
          }
        tags: {}
        lifecycle:
          prevent_destroy: true
        # end of events

      aws_sqs_queue.dlq:
        name: 'dlq'

    outputs:
      url: ${aws_sqs_queue.events.url}
    # trailing comment of the file

    """

    /// Comments before, after and inside blocks and list items, which must all survive reordering.
    static let comments = """
    outputs:
      # the url
      url:
        sensitive: false   # not secret
        # what it is
        description: Queue URL
        value: ${aws_sqs_queue.events.url}
    # about the modules
    modules:
      edge:   # the edge module
        inputs:
          names:
            # first
            - a
            - b # second
            # end of names
        # before source
        source: ./modules/edge
      # end of modules
    locals:
      list:
      # before the item, less indented
      - x
      -
        # a map item
        k: v
        j: w
    """

    static let commentsFormatted = """
    locals:
      list:
        # before the item, less indented
        - x
        # a map item
        - k: v
          j: w

    # about the modules
    modules:
      edge: # the edge module
        # before source
        source: ./modules/edge
        inputs:
          names:
            # first
            - a
            - b # second
            # end of names
      # end of modules

    outputs:
      # the url
      url:
        value: ${aws_sqs_queue.events.url}
        # what it is
        description: Queue URL
        sensitive: false # not secret

    """

    /// Block scalars (kept lines, explicit indentation, folded, in a list), multi-line flow and plain scalars.
    static let scalars = """
    locals:
        script: |+
            #!/bin/sh
              echo "indented"

            exit 0

        indented: |2
              two extra spaces
        folded: >
            one
            two
        items:
            - |
                in a list
            - "a quoted
              continued string"
        multi: [
              a,
              b,   # inside the list
            ]
        plain: this plain scalar
            goes on
    outputs:
        x: 1
    """

    static let scalarsFormatted = """
    locals:
      script: |+
        #!/bin/sh
          echo "indented"

        exit 0

      indented: |2
            two extra spaces
      folded: >
        one
        two
      items:
        - |
          in a list
        - "a quoted
          continued string"
      multi: [
            a,
            b,   # inside the list
          ]
      plain: this plain scalar
        goes on

    outputs:
      x: 1

    """

    // MARK: Canonical output

    @Test func messyInputBecomesCanonical() {
        #expect(formatted(Self.messy) == Self.messyFormatted)
    }

    @Test func commentsStayWithTheirEntries() {
        #expect(formatted(Self.comments) == Self.commentsFormatted)
    }

    @Test func scalarsAreKeptAsWritten() {
        #expect(formatted(Self.scalars) == Self.scalarsFormatted)
    }

    @Test func modulesAndDataSourcesTakeTheirOrder() {
        let text = """
        data:
          aws_caller_identity.me:
            lifecycle: {}
            other: 1
            count: 2
            provider: aws
        modules:
          edge:
            inputs: {a: 1}
            extra: x
            depends_on: [aws_sqs_queue.a]
            providers: {aws: aws.dest}
            for_each: ${var.set}
            source: ./edge
        unknown_block: 1
        moved:
          - from: a.b
            to: a.c
        backend:
          type: local
        """
        #expect(formatted(text) == """
        backend:
          type: local

        data:
          aws_caller_identity.me:
            provider: aws
            count: 2
            other: 1
            lifecycle: {}

        modules:
          edge:
            source: ./edge
            for_each: ${var.set}
            providers: {aws: aws.dest}
            depends_on: [aws_sqs_queue.a]
            inputs: {a: 1}
            extra: x

        moved:
          - from: a.b
            to: a.c

        unknown_block: 1

        """)
    }

    @Test func shortOutputsAndOtherMapsKeepSourceOrder() {
        let text = "outputs:\n  b: ${x}\n  a:\n    sensitive: true\n    value: 1\nresources:\n  aws_s3_bucket.b:\n    tags:\n      z: 1\n      a: 2\n"
        #expect(formatted(text) == """
        resources:
          aws_s3_bucket.b:
            tags:
              z: 1
              a: 2

        outputs:
          b: ${x}
          a:
            value: 1
            sensitive: true

        """)
    }

    @Test(arguments: [
        ("key : value   \n\n\n", "key: value\n"),
        ("key:\n- a\n- b\nother: 1\n", "key:\n  - a\n  - b\n\nother: 1\n"),
        ("a: 1\r\nb:\r\n  c: 2\r\n", "a: 1\n\nb:\n  c: 2\n"),
        ("---\n# c\na: 1\n", "---\n# c\na: 1\n"),
        ("list:\n  -   a: 1\n      b: 2\n  -\n    # note\n    c: 3\n", "list:\n  - a: 1\n    b: 2\n  # note\n  - c: 3\n"),
        ("a: |+\n  x\n\nb: 1\n", "a: |+\n  x\n\nb: 1\n"),
        ("a:\n  hello\n  world\nb: 1\n", "a: hello\n  world\n\nb: 1\n"),
    ])
    func smallCases(_ input: String, _ expected: String) {
        #expect(formatted(input) == expected)
    }

    @Test func commentOnlyAndEmptyFiles() {
        #expect(formatted("") == "")
        #expect(formatted("\n\n") == "")
        #expect(formatted("# just a note   \n\n\n# another\n") == "# just a note\n\n# another\n")
    }

    // MARK: Errors

    @Test func tabsAreReportedAsADiagnostic() {
        let (text, diagnostics) = ConfigurationFormatter.format("resources:\n\taws_sqs_queue.a:\n", file: "main.tandem.yaml")
        #expect(text == nil)
        #expect(diagnostics.errors.first?.summary == "Tab character used for indentation")
        #expect(diagnostics.errors.first?.range?.description == "main.tandem.yaml:2:1")
    }

    @Test func invalidYAMLIsReportedWithItsPosition() {
        let (text, diagnostics) = ConfigurationFormatter.format("resources:\n  a:\n    name: x\n   bad: y\n", file: "main.tandem.yaml")
        #expect(text == nil)
        #expect(diagnostics.errors.first?.summary.hasPrefix("Invalid YAML") == true)
        #expect(diagnostics.errors.first?.range?.start.line == 4)
    }

    @Test func anchorsOnMapsAreRefusedNotMangled() {
        let (text, diagnostics) = ConfigurationFormatter.format("locals:\n  a: &base\n    x: 1\n", file: "main.tandem.yaml")
        #expect(text == nil)
        #expect(diagnostics.errors.first?.range?.description == "main.tandem.yaml:2:6")
    }

    // MARK: Properties

    /// A configuration text named for test output.
    struct Sample: Sendable, CustomTestStringConvertible {
        /// The fixture's name or the file's path.
        var name: String
        /// The text.
        var text: String
        var testDescription: String { name }
    }

    /// The fixtures above plus every configuration file of the repository's examples and modules.
    static func corpus() -> [Sample] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let targets = ["examples", "modules"].map { root.appendingPathComponent($0).path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        let (files, _) = ConfigurationFormatter.files(in: targets, recursive: true)
        let fixtures = [("messy", messy), ("messyFormatted", messyFormatted), ("comments", comments),
                        ("commentsFormatted", commentsFormatted), ("scalars", scalars), ("scalarsFormatted", scalarsFormatted)]
        return fixtures.map { Sample(name: $0.0, text: $0.1) }
            + files.compactMap { path in (try? String(contentsOfFile: path, encoding: .utf8)).map { Sample(name: path, text: $0) } }
    }

    @Test(arguments: corpus())
    func formattingIsIdempotent(_ sample: Sample) throws {
        let once = try #require(formatted(sample.text))
        #expect(formatted(once) == once)
    }

    @Test(arguments: corpus())
    func formattingPreservesMeaning(_ sample: Sample) throws {
        let once = try #require(formatted(sample.text))
        let (before, _) = YAMLReader.parse(sample.text, file: "before.tandem.yaml")
        let (after, _) = YAMLReader.parse(once, file: "after.tandem.yaml")
        #expect(dump(try #require(before)) == dump(try #require(after)))
    }

    @Test(arguments: corpus())
    func formattingKeepsEveryComment(_ sample: Sample) throws {
        let once = try #require(formatted(sample.text))
        #expect(comments(in: once) == comments(in: sample.text))
    }

    // MARK: Files

    @Test func checkModeListsChangesAndWritesNothing() throws {
        let directory = try temporaryDirectory()
        let messyPath = (directory as NSString).appendingPathComponent("a.tandem.yaml")
        let cleanPath = (directory as NSString).appendingPathComponent("b.tandem.yaml")
        try Self.messy.write(toFile: messyPath, atomically: true, encoding: .utf8)
        try Self.messyFormatted.write(toFile: cleanPath, atomically: true, encoding: .utf8)

        let (files, _) = ConfigurationFormatter.files(in: [directory], recursive: false)
        let check = ConfigurationFormatter.formatFiles(files, checkOnly: true)
        #expect(check.changedFiles == [messyPath])
        #expect(check.diagnostics.isEmpty)
        #expect(try String(contentsOfFile: messyPath, encoding: .utf8) == Self.messy)
    }

    @Test func writeModeRewritesAtomicallyKeepingPermissions() throws {
        let directory = try temporaryDirectory()
        let path = (directory as NSString).appendingPathComponent("main.tandem.yaml")
        try Self.messy.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)

        let report = ConfigurationFormatter.formatFiles([path], checkOnly: false)
        #expect(report.changedFiles == [path])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.messyFormatted)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["main.tandem.yaml"])
        #expect(ConfigurationFormatter.formatFiles([path], checkOnly: false).changedFiles.isEmpty)
    }

    @Test func invalidFilesAreLeftUntouched() throws {
        let directory = try temporaryDirectory()
        let path = (directory as NSString).appendingPathComponent("main.tandem.yaml")
        let broken = "resources:\n    a: [1, 2\n"
        try broken.write(toFile: path, atomically: true, encoding: .utf8)

        let report = ConfigurationFormatter.formatFiles([path], checkOnly: false)
        #expect(report.changedFiles.isEmpty)
        #expect(report.diagnostics.hasErrors)
        #expect(report.diagnostics.errors.first?.range?.file == path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == broken)
    }

    @Test func subdirectoriesAreFormattedOnlyWhenRecursive() throws {
        let directory = try temporaryDirectory()
        let module = (directory as NSString).appendingPathComponent("modules/edge")
        try FileManager.default.createDirectory(atPath: module, withIntermediateDirectories: true)
        for path in ["main.tandem.yaml", "notes.yaml", "modules/edge/main.tandem.yaml"] {
            try "locals: {}\n".write(toFile: (directory as NSString).appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        let (flat, _) = ConfigurationFormatter.files(in: [directory], recursive: false)
        let (deep, _) = ConfigurationFormatter.files(in: [directory], recursive: true)
        #expect(flat.map { ($0 as NSString).lastPathComponent } == ["main.tandem.yaml"])
        #expect(deep.count == 2)
        #expect(deep.last?.hasSuffix("modules/edge/main.tandem.yaml") == true)
    }

    // MARK: Helpers

    private func formatted(_ text: String) -> String? {
        let (result, diagnostics) = ConfigurationFormatter.format(text, file: "main.tandem.yaml")
        #expect(diagnostics.isEmpty, "\(diagnostics.items)")
        return result
    }

    /// The tree as text: maps whose keys fmt may reorder are sorted by key, every other map keeps its order.
    private func dump(_ node: SyntaxNode, path: [String] = []) -> String {
        switch node.kind {
        case .scalar(let scalar):
            return "\(scalar.type.rawValue):\(scalar.text.debugDescription)"
        case .sequence(let items):
            return "[" + items.map { dump($0, path: path + ["[]"]) }.joined(separator: ", ") + "]"
        case .mapping(let entries):
            let blocks = ["variables", "resources", "data", "modules", "outputs"]
            let reorderable = path.isEmpty || (path.count == 2 && blocks.contains(path[0]))
                || (path.count >= 3 && path[0] == "variables" && path[2] == "validation")
            let pairs = entries.map { "\($0.key.debugDescription): \(dump($0.value, path: path + [$0.key]))" }
            return "{" + (reorderable ? pairs.sorted() : pairs).joined(separator: ", ") + "}"
        }
    }

    /// Every comment of `text` (full-line or trailing, outside block scalars and quotes), sorted.
    private func comments(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            guard let start = line.range(of: "#") else { return nil }
            let before = line[..<start.lowerBound]
            guard before.isEmpty || before.last == " ", before.filter({ $0 == "\"" }).count % 2 == 0 else { return nil }
            return String(line[start.lowerBound...]).trimmingCharacters(in: .whitespaces)
        }.sorted()
    }

    private func temporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("tandem-fmt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
