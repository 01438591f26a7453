import Testing
import TandemCore

/// IAM normal form: documents AWS treats the same compare equal; invalid documents are refused with a path.
struct PolicyDocumentTests {
    private func json(_ text: String) throws -> Value { try Value(jsonString: text) }

    @Test func equivalentSpellingsHaveOneNormalForm() throws {
        let written = try json("""
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "B", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]},
              {"Effect": "Allow", "Principal": {"Service": ["s3.amazonaws.com"]}, "Action": "sqs:SendMessage", "Resource": "q",
               "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}, "Sid": ""}]}
            """)
        let returned = try json("""
            {"Statement": [
              {"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": ["3600"]}}, "Resource": ["q"], "Action": ["sqs:SendMessage"],
               "Principal": {"Service": "s3.amazonaws.com"}, "Effect": "Allow"},
              {"Resource": "arn:aws:s3:::b/*", "Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Sid": "B"}],
             "Version": "2012-10-17"}
            """)
        #expect(try PolicyDocument.normalized(written) == PolicyDocument.normalized(returned))
        let normal = try PolicyDocument.normalized(written)
        #expect(PolicyDocument.statements(of: normal).count == 2)
        #expect(PolicyDocument.statements(of: normal).contains { $0["Action"] == .list([.string("s3:GetObject"), .string("s3:PutObject")]) })
    }

    @Test func aSingleStatementMapIsAListAndVersionDefaults() throws {
        let normal = try PolicyDocument.normalized(.map(["Statement": .map(["Effect": .string("Deny"), "Action": .list([.string("s3:*")])])]))
        #expect(normal["Version"] == .string(PolicyDocument.defaultVersion))
        #expect(normal["Statement"] == .list([.map(["Effect": .string("Deny"), "Action": .string("s3:*")])]))
    }

    @Test func differentDocumentsStayDifferent() throws {
        let allow = try PolicyDocument.normalized(json(#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#))
        let deny = try PolicyDocument.normalized(json(#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}}"#))
        #expect(allow != deny)
    }

    @Test func invalidDocumentsNameTheElement() throws {
        #expect(throws: PolicyDocument.Invalid("Effect must be Allow or Deny, got \"Permit\"", path: "Statement[1].Effect")) {
            try PolicyDocument.normalized(json(#"{"Statement":[{"Effect":"Allow","Action":"a"},{"Effect":"Permit","Action":"b"}]}"#))
        }
        #expect(throws: PolicyDocument.Invalid.self) { try PolicyDocument.normalized(json(#"{"Statement":[{"Effect":"Allow","Acton":"a"}]}"#)) }
        #expect(throws: PolicyDocument.Invalid.self) { try PolicyDocument.normalized(json(#"{"Version":"2012-10-18","Statement":[]}"#)) }
        #expect(throws: PolicyDocument.Invalid.self) { try PolicyDocument.normalized(.string("{}")) }
    }

    @Test func unknownPartsStayUnknown() throws {
        let normal = try PolicyDocument.normalized(.map(["Version": .string("2012-10-17"), "Statement": .list([
            .map(["Effect": .string("Allow"), "Action": .string("sqs:SendMessage"), "Resource": .unknown]),
        ])]))
        #expect(PolicyDocument.statements(of: normal).first?["Resource"] == .unknown)
    }

    @Test func statementChangesMatchBySidAndContent() throws {
        func document(_ statements: [Value]) throws -> Value {
            try PolicyDocument.normalized(.map(["Version": .string("2012-10-17"), "Statement": .list(statements)]))
        }
        let keep: Value = .map(["Effect": .string("Allow"), "Action": .string("s3:ListBucket"), "Resource": .string("b")])
        let old = try document([
            keep,
            .map(["Sid": .string("Write"), "Effect": .string("Allow"), "Action": .string("s3:PutObject"), "Resource": .string("b/*")]),
            .map(["Sid": .string("Gone"), "Effect": .string("Allow"), "Action": .string("s3:DeleteObject"), "Resource": .string("b/*")]),
        ])
        let new = try document([
            .map(["Sid": .string("Write"), "Effect": .string("Allow"), "Action": .list([.string("s3:PutObject"), .string("s3:PutObjectTagging")]),
                  "Resource": .string("b/*")]),
            keep,
            .map(["Effect": .string("Deny"), "Action": .string("s3:*"), "Resource": .string("c")]),
        ])
        let changes = PolicyDocument.statementChanges(before: old, after: new)
        #expect(changes.count == 3)
        #expect(changes.first { $0.sid == "Write" }?.kind == .changed)
        #expect(changes.first { $0.sid == "Write" }?.changedElements == ["Action"])
        #expect(changes.first { $0.sid == "Gone" }?.kind == .removed)
        #expect(changes.first { $0.sid == nil }?.kind == .added)
        #expect(changes.first { $0.sid == nil }?.after?["Effect"] == .string("Deny"))
        #expect(PolicyDocument.statementChanges(before: old, after: old).isEmpty)
    }
}
