import Foundation
import Testing
import TandemCore
@testable import TandemLanguage

@Suite struct FunctionTests {
    static let variables: [String: Value] = [
        "bucket": .string("rciis-replica"),
        "tags": .map(["app": .string("s3-replicator"), "team": .string("dr")]),
        "list": .list([.string("a"), .string("b"), .string("a")]),
        "nested": .list([.list([.string("x")]), .string("y"), .list([.list([.string("z")])])]),
        "empty": .string(""),
        "nothing": .null,
    ]

    static func evaluate(_ expression: String, baseDirectory: String? = nil) -> (Value, Diagnostics) {
        var diagnostics = Diagnostics()
        let parsed = TemplateParser(text: expression, file: "t.tandem.yaml", start: SourcePosition(line: 1, column: 1)).parse()
        guard case .success(let tree) = parsed else {
            if case .failure(let diagnostic) = parsed { diagnostics.append(diagnostic) }
            return (.unknown, diagnostics)
        }
        let value = Evaluator(scope: EvaluationScope(variables: variables, baseDirectory: baseDirectory)).evaluate(tree, diagnostics: &diagnostics)
        return (value, diagnostics)
    }

    @Test(arguments: [
        (#"${lower("ABC")}"#, Value.string("abc")),
        (#"${upper("abc")}"#, .string("ABC")),
        (#"${trimprefix("arn:aws:s3:::b", "arn:aws:s3:::")}"#, .string("b")),
        (#"${trimsuffix("file.json", ".json")}"#, .string("file")),
        (#"${replace("a-b-c", "-", "_")}"#, .string("a_b_c")),
        (#"${split(",", "a,b,,c")}"#, .list([.string("a"), .string("b"), .string(""), .string("c")])),
        (#"${join("/", ["a", "b"])}"#, .string("a/b")),
        (#"${format("arn:aws:s3:::%s/*", var.bucket)}"#, .string("arn:aws:s3:::rciis-replica/*")),
        (#"${format("%d-%.2f-%%", 5, 1.5)}"#, .string("5-1.50-%")),
        (#"${length(var.list)}"#, .number(3)),
        (#"${length(var.tags)}"#, .number(2)),
        (#"${concat(var.list, ["c"])}"#, .list([.string("a"), .string("b"), .string("a"), .string("c")])),
        (#"${merge(var.tags, {team = "ops", env = "prod"})}"#, .map(["app": .string("s3-replicator"), "team": .string("ops"), "env": .string("prod")])),
        (#"${lookup(var.tags, "app")}"#, .string("s3-replicator")),
        (#"${lookup(var.tags, "missing", "fallback")}"#, .string("fallback")),
        (#"${keys(var.tags)}"#, .list([.string("app"), .string("team")])),
        (#"${values(var.tags)}"#, .list([.string("s3-replicator"), .string("dr")])),
        (#"${contains(var.list, "b")}"#, .bool(true)),
        (#"${distinct(var.list)}"#, .list([.string("a"), .string("b")])),
        (#"${flatten(var.nested)}"#, .list([.string("x"), .string("y"), .string("z")])),
        (#"${coalesce(var.nothing, var.empty, "first")}"#, .string("first")),
        (#"${tostring(5)}"#, .string("5")),
        (#"${tonumber("42")}"#, .number(42)),
        (#"${toset(var.list)}"#, .list([.string("a"), .string("b")])),
        (#"${tolist(var.list)}"#, .list([.string("a"), .string("b"), .string("a")])),
        (#"${jsondecode("{\"a\": [1, true]}")}"#, .map(["a": .list([.number(1), .bool(true)])])),
        (#"${jsonencode(var.tags)}"#, .string(#"{"app":"s3-replicator","team":"dr"}"#)),
        (#"${yamlencode({b = 1, a = ["x"]})}"#, .string("a:\n- x\nb: 1\n")),
        (#"${yamldecode("kind: Secret\nspec: {replicas: 2, on: true, list: [a, null]}")}"#,
         .map(["kind": .string("Secret"), "spec": .map(["replicas": .number(2), "on": .bool(true), "list": .list([.string("a"), .null])])])),
        (#"${base64encode("tandem")}"#, .string("dGFuZGVt")),
        (#"${base64decode("dGFuZGVt")}"#, .string("tandem")),
        (#"${sha256("abc")}"#, .string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")),
        (#"${try(var.tags["missing"], "default")}"#, .string("default")),
        (#"${try(var.tags["app"], "default")}"#, .string("s3-replicator")),
    ])
    func functionsComputeTheDocumentedResult(expression: String, expected: Value) {
        let (value, diagnostics) = Self.evaluate(expression)
        #expect(diagnostics.isEmpty, "\(diagnostics.items)")
        #expect(value == expected)
    }

    @Test(arguments: [
        (#"${lower(1, 2)}"#, "lower() takes 1 argument, got 2"),
        (#"${join(",", "notalist")}"#, "join(): argument 2 must be a list, got string"),
        (#"${lookup(var.tags, "missing")}"#, #"lookup(): the map has no key "missing" and no default was given"#),
        (#"${format("%s %s", "one")}"#, #"format(): not enough arguments for the pattern "%s %s""#),
        (#"${base64decode("***")}"#, "base64decode(): the argument is not base64-encoded UTF-8 text"),
        (#"${jsondecode("{")}"#, "jsondecode(): the argument is not valid JSON"),
        (#"${yamldecode("a: [1, 2")}"#, "yamldecode(): while parsing a flow sequence: did not find expected ',' or ']'"),
        (#"${coalesce(var.nothing)}"#, "coalesce(): every argument is null or empty"),
    ])
    func misuseIsADiagnosticNamingTheFunction(expression: String, message: String) {
        let (value, diagnostics) = Self.evaluate(expression)
        #expect(value == .unknown)
        #expect(diagnostics.errors.first?.detail == message)
        #expect(diagnostics.errors.first?.range?.start.line == 1)
    }

    @Test func unknownArgumentsMakeUnknownResults() {
        var diagnostics = Diagnostics()
        let value = Functions.call("upper", [.unknown], context: .init(), range: SourceRange(file: "t", line: 1, column: 1), diagnostics: &diagnostics)
        #expect(value == .unknown)
        #expect(diagnostics.isEmpty)
    }

    @Test func tryReportsWhenEveryArgumentFails() {
        let (value, diagnostics) = Self.evaluate(#"${try(var.tags["a"], var.tags["b"])}"#)
        #expect(value == .unknown)
        #expect(diagnostics.errors.first?.summary == "No argument of try() could be evaluated")
    }

    @Test func fileAndTemplatefileReadRelativeToTheConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-functions-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory + "/policies", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "plain text\n".write(toFile: directory + "/policies/note.txt", atomically: true, encoding: .utf8)
        try #"{"Resource": "arn:aws:s3:::${bucket}/*", "Count": ${count + 1}}"#.write(toFile: directory + "/policies/p.json.tpl", atomically: true, encoding: .utf8)

        #expect(Self.evaluate(#"${file("policies/note.txt")}"#, baseDirectory: directory).0 == .string("plain text\n"))
        let (rendered, diagnostics) = Self.evaluate(#"${templatefile("policies/p.json.tpl", {bucket = var.bucket, count = 1})}"#, baseDirectory: directory)
        #expect(diagnostics.isEmpty, "\(diagnostics.items)")
        #expect(rendered == .string(#"{"Resource": "arn:aws:s3:::rciis-replica/*", "Count": 2}"#))

        let missing = Self.evaluate(#"${file("nope.txt")}"#, baseDirectory: directory).1
        #expect(missing.errors.first?.detail == "file(): no file at nope.txt")
        let undeclared = Self.evaluate(#"${templatefile("policies/p.json.tpl", {bucket = "b"})}"#, baseDirectory: directory).1
        #expect(undeclared.errors.first?.detail?.contains("templatefile(): policies/p.json.tpl:1:") == true)
        let noAccess = Self.evaluate(#"${file("policies/note.txt")}"#).1
        #expect(noAccess.errors.first?.detail == "file(): files cannot be read here")
    }
}
