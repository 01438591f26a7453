import Testing
import TandemCore
import TandemEngine

@Suite struct AttributeDiffTests {
    private let attributes: [String: AttributeSchema] = [
        "name": AttributeSchema(.string, .required, forcesReplacement: true),
        "secret": AttributeSchema(.string, .optional, sensitive: true),
        "block": AttributeSchema(.object([
            "a": AttributeSchema(.bool, .optional),
            "b": AttributeSchema(.number, .optional),
        ]), .optional),
        "tags": AttributeSchema(.map(.string), .optional),
        "arn": AttributeSchema(.string, .computed),
    ]

    @Test func equalValuesHaveNoChanges() {
        let value: Value = .map(["name": .string("x"), "tags": .map(["a": .string("b")]), "block": .null, "secret": .null, "arn": .string("arn")])
        #expect(AttributeDiff.changes(before: value, after: value, attributes: attributes).isEmpty)
    }

    @Test func nestedBlocksDiffPerLeafAndReplacementIsFlagged() {
        let before: Value = .map(["name": .string("x"), "block": .map(["a": .bool(true), "b": .number(1)]), "arn": .string("arn")])
        let after: Value = .map(["name": .string("y"), "block": .map(["a": .bool(false), "b": .number(1)]), "arn": .unknown])
        let changes = AttributeDiff.changes(before: before, after: after, attributes: attributes)
        #expect(changes.map(\.path) == ["arn", "block.a", "name"])
        #expect(changes.first { $0.path == "arn" }?.afterUnknown == .bool(true))
        #expect(changes.first { $0.path == "name" }?.forcesReplacement == true)
        #expect(changes.first { $0.path == "block.a" }?.forcesReplacement == false)
    }

    @Test func removedBlockShowsItsLeavesAsRemoved() {
        let before: Value = .map(["name": .string("x"), "block": .map(["a": .bool(true), "b": .null])])
        let after: Value = .map(["name": .string("x"), "block": .null])
        let changes = AttributeDiff.changes(before: before, after: after, attributes: attributes)
        #expect(changes.map(\.path) == ["block.a"])
        #expect(changes.first?.before == .bool(true))
        #expect(changes.first?.after == nil)
    }

    @Test func sensitiveAttributesAreMarked() {
        let changes = AttributeDiff.changes(before: .map(["secret": .string("a")]), after: .map(["secret": .string("b")]), attributes: attributes)
        #expect(changes.first?.sensitive == true)
    }

    @Test func createListsEveryNonNullAttribute() {
        let changes = AttributeDiff.changes(before: nil, after: .map(["name": .string("x"), "arn": .unknown, "tags": .null]), attributes: attributes)
        #expect(changes.map(\.path) == ["arn", "name"])
    }

    @Test func schemaConformanceConvertsScalarsLikeTheServerDoes() {
        var diagnostics = Diagnostics()
        let value = SchemaConformance(subject: "test").conformBlock(
            .map(["name": .number(12), "block": .map(["a": .string("true"), "b": .string("5")])]),
            expression: .object([], SourceRange(file: "t", line: 1, column: 1)), attributes: attributes, diagnostics: &diagnostics)
        #expect(diagnostics.isEmpty)
        #expect(value["name"] == .string("12"))
        #expect(value["block"] == .map(["a": .bool(true), "b": .number(5)]))
        #expect(value["tags"] == .null)
    }
}
