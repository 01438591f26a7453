import Testing
import TandemCore

@Suite struct ValueTests {
    @Test func unknownPartsSplitAndRestore() {
        let value: Value = .map(["arn": .unknown, "name": .string("q"), "tags": .list([.string("a"), .unknown])])
        let parts = value.knownParts
        #expect(parts.known["arn"] == .null)
        #expect(parts.unknownMask["arn"] == .bool(true))
        #expect(parts.unknownMask["name"] == .null)
        #expect(Value(known: parts.known, unknownMask: parts.unknownMask) == value)
        #expect(Value.string("x").knownParts.unknownMask == .bool(false))
    }

    @Test func canonicalJSONSortsKeysAndKeepsIntegers() throws {
        let value: Value = .map(["b": .number(5), "a": .list([.bool(true), .null, .number(1.5)])])
        #expect(try value.canonicalJSON() == #"{"a":[true,null,1.5],"b":5}"#)
        #expect(try Value(jsonString: #"{"maxReceiveCount": 5, "x": "y"}"#) == .map(["maxReceiveCount": .number(5), "x": .string("y")]))
    }

    @Test func jsonBooleansStayBooleansAndNumbersNumbers() throws {
        let parsed = try Value(jsonString: #"{"t":true,"f":false,"one":1,"zero":0,"half":0.5,"n":null,"l":[1,"x",true],"u":"ü\u00e9"}"#)
        #expect(parsed == .map(["t": .bool(true), "f": .bool(false), "one": .number(1), "zero": .number(0), "half": .number(0.5), "n": .null,
                                "l": .list([.number(1), .string("x"), .bool(true)]), "u": .string("üé")]))
        #expect(try Value(jsonString: "\"fragment\"") == .string("fragment"))
        #expect(throws: (any Error).self) { try Value(jsonString: "{") }
    }

    @Test func encodingAnUnknownValueFails() {
        #expect(throws: (any Error).self) { try Value.unknown.canonicalJSON() }
    }

    @Test(arguments: [
        ("aws_s3_bucket.replica", "aws_s3_bucket", "replica", nil as InstanceKey?),
        ("aws_sqs_queue.dlq[0]", "aws_sqs_queue", "dlq", InstanceKey.index(0)),
        (#"aws_sqs_queue.dlq["eu"]"#, "aws_sqs_queue", "dlq", InstanceKey.key("eu")),
        (#"aws_sqs_queue.dlq["a.b[c]"]"#, "aws_sqs_queue", "dlq", InstanceKey.key("a.b[c]")),
        (#"aws_sqs_queue.dlq["say \"hi\" \\ bye"]"#, "aws_sqs_queue", "dlq", InstanceKey.key(#"say "hi" \ bye"#)),
        ("aws_sqs_queue.dlq[\"\u{301}x\u{200D}\"]", "aws_sqs_queue", "dlq", InstanceKey.key("\u{301}x\u{200D}")),
        (#"module.site["x.y"].module.inner[2].data.aws_caller_identity.current"#, "aws_caller_identity", "current", nil as InstanceKey?),
    ])
    func resourceAddressesParseAndPrint(text: String, type: String, name: String, key: InstanceKey?) throws {
        let address = try #require(ResourceAddress(parsing: text))
        #expect(address.type == type)
        #expect(address.name == name)
        #expect(address.key == key)
        #expect(address.description == text)
    }

    @Test func instanceAddressesOrderNumericallyAndByModule() throws {
        let texts = ["aws_q.a[10]", "aws_q.a[2]", #"module.m["b"].aws_q.a"#, "aws_q.a", #"module.m["a"].aws_q.a"#, "data.aws_q.a"]
        #expect(texts.compactMap(ResourceAddress.init(parsing:)).sorted().map(\.description)
            == ["aws_q.a", "aws_q.a[2]", "aws_q.a[10]", "data.aws_q.a", #"module.m["a"].aws_q.a"#, #"module.m["b"].aws_q.a"#])
    }

    @Test func modulePathAddressesParse() throws {
        let address = try #require(ResourceAddress(parsing: "module.edge.aws_s3_bucket.replica"))
        #expect(address.modulePath == [ModuleStep("edge")])
        #expect(address.providerName == "aws")
    }

    @Test(arguments: ["", "bucket", "a.b.c", "aws_s3_bucket.", "aws_s3_bucket.x[oops]", #"aws_s3_bucket.x["open]"#, "module.m.aws_s3_bucket[0].x"])
    func invalidAddressesAreRejected(text: String) {
        #expect(ResourceAddress(parsing: text) == nil)
    }

    @Test func suggestionsFindCloseNamesOnly() {
        #expect(Suggestions.closest(to: "versoning", in: ["versioning", "tags", "bucket"]) == "versioning")
        #expect(Suggestions.closest(to: "aws_sqs_queue.dql", in: ["aws_sqs_queue.dlq", "aws_sqs_queue.events"]) == "aws_sqs_queue.dlq")
        #expect(Suggestions.closest(to: "zzzzzz", in: ["versioning", "tags"]) == nil)
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
    }
}
