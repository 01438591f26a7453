import KubernetesClient
import TandemCore
import Testing

/// Schema keywords one by one, on small schemas written for the purpose.
@Suite struct OpenAPISchemaTests {
    private func violations(_ schema: String, _ object: String) throws -> [String] {
        let compiled = try OpenAPISchema(try #require(try YAMLDocuments.parse(schema).first))
        return compiled.validate(try #require(try YAMLDocuments.parse(object).first)).map(\.description)
    }

    @Test func typesIntegerAgainstNumber() throws {
        let schema = "{type: object, properties: {count: {type: integer}, ratio: {type: number}, on: {type: boolean}, name: {type: string}}}"
        #expect(try violations(schema, "{count: 3, ratio: 3, on: true, name: x}") == [])
        #expect(try violations(schema, "{count: 2.5, ratio: '1', on: 'yes', name: 5}") == [
            "count: must be an integer, not the number 2.5",
            "name: must be a string, not the number 5",
            "on: must be true or false, not the string \"yes\"",
            "ratio: must be a number, not the string \"1\"",
        ])
        #expect(try violations(schema, "[1]") == ["<root>: must be a map, not a list"])
    }

    @Test func intOrStringAndAnyOf() throws {
        let schema = "{type: object, properties: {port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}, "
            + "size: {anyOf: [{type: integer, minimum: 1}, {type: string, pattern: '^[0-9]+Gi$'}]}}}"
        #expect(try violations(schema, "{port: 80, size: 3}") == [])
        #expect(try violations(schema, "{port: http, size: 10Gi}") == [])
        #expect(try violations(schema, "{port: 1.5, size: 0}") == [
            "port: must be an integer or a string, not the number 1.5",
            "size: matches none of the allowed forms (anyOf): size: must be at least 1, not 0; or size: must be a string, not the number 0",
        ])
    }

    @Test func nullable() throws {
        let schema = "{type: object, required: [a], properties: {a: {type: string}, b: {type: string, nullable: true}, c: {type: array, items: {type: string}}}}"
        #expect(try violations(schema, "{a: x, b: null}") == [])
        // A null for a field that is not nullable is dropped by the server, as if absent.
        #expect(try violations(schema, "{a: null}") == [#"<root>: missing required field "a""#])
        #expect(try violations(schema, "{a: x, c: [null]}") == ["c[0]: must not be null: give a value or leave the field out"])
        let withDefault = "{type: object, required: [a], properties: {a: {type: string, default: x}, m: {type: object, additionalProperties: {type: string}}}}"
        #expect(try violations(withDefault, "{a: null, m: {k: null}, extra: null}") == [
            #"extra: unknown field "extra" (the API server would drop it); the fields here are a, m"#,
        ])
    }

    @Test func unknownFieldsAdditionalPropertiesAndPreservation() throws {
        let schema = """
            type: object
            properties:
              strict: {type: object, properties: {replicas: {type: integer}}}
              empty: {type: object}
              labels: {type: object, additionalProperties: {type: string}}
              open: {type: object, additionalProperties: true}
              kept: {type: object, x-kubernetes-preserve-unknown-fields: true, properties: {size: {type: integer}}}
              closed: {type: object, additionalProperties: false}
            """
        #expect(try violations(schema, "{labels: {a: b}, open: {x: [1]}, kept: {size: 1, extra: {deep: true}}}") == [])
        #expect(try violations(schema, "{strict: {replica: 1, other: 2}, empty: {x: 1}, labels: {a: 1}, kept: {size: big}, closed: {y: 1}, extra: 1}") == [
            #"closed.y: unknown field "y" (the API server would drop it); this map has no declared fields"#,
            #"empty.x: unknown field "x" (the API server would drop it); this map has no declared fields"#,
            #"extra: unknown field "extra" (the API server would drop it); the fields here are closed, empty, kept, labels, open, strict"#,
            #"kept.size: must be an integer, not the string "big""#,
            "labels.a: must be a string, not the number 1",
            #"strict.other: unknown field "other" (the API server would drop it); the fields here are replicas"#,
            #"strict.replica: unknown field "replica" (the API server would drop it); did you mean strict.replicas?"#,
        ])
    }

    @Test func boundsLengthsAndCounts() throws {
        let schema = """
            type: object
            properties:
              n: {type: integer, minimum: 1, maximum: 10, multipleOf: 2}
              x: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true}
              s: {type: string, minLength: 2, maxLength: 3}
              l: {type: array, minItems: 1, maxItems: 2, items: {type: string}}
              m: {type: object, minProperties: 1, maxProperties: 1, additionalProperties: {type: string}}
            """
        #expect(try violations(schema, "{n: 4, x: 0.5, s: ab, l: [a], m: {k: v}}") == [])
        #expect(try violations(schema, "{n: 11, x: 0, s: a, l: [], m: {}}") == [
            "l: must have at least 1 item, not 0",
            "m: must have at least 1 entry, not 0",
            "n: must be at most 10, not 11",
            "n: must be a multiple of 2, not 11",
            "s: must be at least 2 characters long, not 1",
            "x: must be greater than 0, not 0",
        ])
        #expect(try violations(schema, "{n: 0, x: 1, s: abcé, l: [a, b, c], m: {a: b, c: d}}") == [
            "l: must have at most 2 items, not 3",
            "m: must have at most 1 entry, not 2",
            "n: must be at least 1, not 0",
            "s: must be at most 3 characters long, not 4",
            "x: must be less than 1, not 1",
        ])
    }

    @Test func formats() throws {
        let schema = "{type: object, properties: {small: {type: integer, format: int32}, big: {type: integer, format: int64}, "
            + "data: {type: string, format: byte}, at: {type: string, format: date-time}, mail: {type: string, format: email}}}"
        #expect(try violations(schema, "{small: 2147483647, big: 9007199254740992, data: aGVsbG8=, at: '2026-12-04T20:51:09.5+01:00', mail: anything}") == [])
        #expect(try violations(schema, "{small: -2147483649, big: 1e19, data: 'not base64!', at: 'yesterday'}") == [
            #""yesterday" is not an RFC 3339 date-time such as 2026-01-31T12:00:00Z"#.withPath("at"),
            "1e+19 does not fit in a 64-bit integer; the API server would store it, the controller could not read it".withPath("big"),
            #""not base64!" is not base64-encoded data"#.withPath("data"),
            "-2147483649 does not fit in a 32-bit integer (-2147483648 to 2147483647); the API server would store it, the controller could not read it".withPath("small"),
        ])
    }

    @Test func patternsAreECMAStyle() throws {
        let schema = #"{type: object, properties: {mode: {type: string, pattern: '^(?i)(abort|warn)?$'}, ip: {type: string, pattern: '^[0-9a-fA-F:.]{2,}\/[0-9]{1,3}$'}}}"#
        #expect(try violations(schema, "{mode: WARN, ip: 10.0.0.0/8}") == [])
        #expect(try violations(schema, "{mode: stop, ip: 10.0.0.0}") == [
            #"ip: "10.0.0.0" does not match the pattern ^[0-9a-fA-F:.]{2,}\/[0-9]{1,3}$"#,
            #"mode: "stop" does not match the pattern ^(?i)(abort|warn)?$"#,
        ])
    }

    @Test func listTypes() throws {
        let schema = """
            type: object
            properties:
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name, protocol]
                items: {type: object, properties: {name: {type: string}, protocol: {type: string}, port: {type: integer}}}
            """
        #expect(try violations(schema, "{tags: [a, b], ports: [{name: http, protocol: TCP}, {name: http, protocol: UDP}]}") == [])
        #expect(try violations(schema, "{tags: [a, b, a], ports: [{name: http, protocol: TCP, port: 1}, {name: http, protocol: TCP, port: 2}]}") == [
            #"ports[1]: duplicate entry with name="http", protocol="TCP": entries must differ in name, protocol"#,
            #"tags[2]: duplicate entry "a": the list is a set"#,
        ])
    }

    @Test func embeddedResources() throws {
        let schema = """
            type: object
            properties:
              template:
                type: object
                x-kubernetes-embedded-resource: true
                properties: {spec: {type: object, properties: {replicas: {type: integer}}}}
            """
        #expect(try violations(schema, "{template: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, labels: {app: web}}, spec: {replicas: 2}}}") == [])
        #expect(try violations(schema, "{template: {kind: '', metadata: {nmae: web}, spec: {replica: 2}}}") == [
            #"template: missing required field "apiVersion" (an embedded Kubernetes object needs apiVersion and kind)"#,
            "template.kind: must not be empty",
            #"template.metadata.nmae: unknown field "nmae" (the API server would drop it); did you mean template.metadata.name?"#,
            #"template.spec.replica: unknown field "replica" (the API server would drop it); did you mean template.spec.replicas?"#,
        ])
    }

    @Test func oneOfAllOfAndNot() throws {
        let schema = """
            type: object
            properties:
              choice: {type: object, properties: {a: {type: string}, b: {type: string}}, oneOf: [{required: [a]}, {required: [b]}]}
              both: {type: string, allOf: [{minLength: 2}, {pattern: '^x'}]}
              other: {type: string, not: {enum: [forbidden]}}
            """
        #expect(try violations(schema, "{choice: {a: x}, both: xy, other: fine}") == [])
        #expect(try violations(schema, "{choice: {a: x, b: y}, both: y, other: forbidden}") == [
            "both: must be at least 2 characters long, not 1",
            #"both: "y" does not match the pattern ^x"#,
            "choice: matches 2 of the forms in oneOf, but must match exactly one",
            "other: matches a form the schema forbids (not)",
        ])
    }

    @Test func malformedSchemasNameTheKeyword() throws {
        let error = try #require(throws: OpenAPISchemaError.self) {
            try OpenAPISchema(try #require(try YAMLDocuments.parse("{type: object, properties: {a: {type: strnig}}}").first))
        }
        #expect(error.description == #"openAPIV3Schema.properties.a.type: unknown type "strnig""#)
        let count = try #require(throws: OpenAPISchemaError.self) {
            try OpenAPISchema(try #require(try YAMLDocuments.parse("{type: object, properties: {a: {type: array, maxItems: -1}}}").first))
        }
        #expect(count.description == "openAPIV3Schema.properties.a.maxItems: must be a whole number, 0 or more, not number")
    }
}

private extension String {
    func withPath(_ path: String) -> String { "\(path): \(self)" }
}
