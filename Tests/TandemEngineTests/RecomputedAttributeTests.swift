import Testing
import TandemCore
import TandemEngine

/// A computed attribute derived from settable ones (`recomputedOnChangeOf`) is planned as known after apply when one
/// of them changes in an update, so what refers to it is planned to change too; other updates keep its value.
@Suite struct RecomputedAttributeTests {
    private var schema: ResourceSchema {
        var arn = AttributeSchema(.string, .computed)
        arn.recomputedOnChangeOf = ["endpoint", "settings"]
        return ResourceSchema(attributes: [
            "name": AttributeSchema(.string, .required, forcesReplacement: true),
            "endpoint": AttributeSchema(.string, .required),
            "settings": AttributeSchema(.map(.string), .optional),
            "note": AttributeSchema(.string, .optional),
            "arn": arn,
            "id": AttributeSchema(.string, .computed),
        ])
    }

    private let prior: Value = .map(["name": .string("t"), "endpoint": .string("http://a"), "settings": .map([:]), "note": .null,
                                     "arn": .string("arn:t"), "id": .string("1")])

    private func plan(_ changes: [String: Value]) -> (ChangeAction, Value) {
        var config: [String: Value] = ["name": .string("t"), "endpoint": .string("http://a"), "settings": .map([:]), "note": .null]
        config.merge(changes) { $1 }
        let planned = ResourceEvaluation.plannedChange(config: .map(config), prior: prior, schema: schema)
        return (planned.action, planned.after)
    }

    @Test func aChangeOfASourceAttributeMakesItUnknown() {
        let (action, after) = plan(["endpoint": .string("http://b")])
        #expect(action == .update)
        #expect(after["arn"] == .unknown && after["id"] == .string("1"), "only the derived attribute")
        #expect(plan(["settings": .map(["k": .string("v")])]).1["arn"] == .unknown, "a nested change counts")
    }

    @Test func otherUpdatesAndNoChangeKeepIt() {
        let (action, after) = plan(["note": .string("n")])
        #expect(action == .update && after["arn"] == .string("arn:t"))
        #expect(plan([:]).0 == .noop && plan([:]).1["arn"] == .string("arn:t"))
    }
}
