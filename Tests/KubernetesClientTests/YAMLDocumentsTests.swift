import KubernetesClient
import TandemCore
import Testing

@Suite struct YAMLDocumentsTests {
    @Test func scalarsResolveAsKubernetesReadsThem() throws {
        let documents = try YAMLDocuments.parse("""
            a: 1
            b: 1.5
            c: "1"
            d: yes
            e: ~
            f: 0x10
            g: 2026-01-01
            h: 'true'
            ---
            ---
            - {x: [1, two]}
            """)
        #expect(documents == [
            .map(["a": .number(1), "b": .number(1.5), "c": .string("1"), "d": .bool(true), "e": .null, "f": .number(16),
                  "g": .string("2026-01-01"), "h": .string("true")]),
            .null,
            .list([.map(["x": .list([.number(1), .string("two")])])]),
        ])
    }

    @Test func anchorsAndMergeKeys() throws {
        let documents = try YAMLDocuments.parse("""
            base: &base {size: 3, mode: image}
            pool:
              <<: *base
              mode: pool
            """)
        #expect(documents.first?["pool"] == .map(["size": .number(3), "mode": .string("pool")]))
        #expect(documents.first?["base"]["size"] == .number(3))
    }

    @Test func aliasExpansionIsBounded() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let error = try #require(throws: YAMLDocuments.ReadError.self) { try YAMLDocuments.parse(text) }
        #expect(error.description == "the YAML expands to more than 1000000 values (aliases that repeat aliases?)")
    }

    @Test func errorsCarryThePosition() throws {
        let error = try #require(throws: YAMLDocuments.ReadError.self) { try YAMLDocuments.parse("a: 1\nb: [2\n") }
        #expect(error.description.contains("3:1"))
        let key = try #require(throws: YAMLDocuments.ReadError.self) { try YAMLDocuments.parse("? [a]\n: 1\n") }
        #expect(key.description.hasSuffix("a map key must be a scalar, not a list"))
    }
}
