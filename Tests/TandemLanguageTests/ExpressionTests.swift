import Testing
import TandemCore
@testable import TandemLanguage

@Suite struct ExpressionTests {
    private func evaluate(_ text: String, variables: [String: Value] = [:], resources: [String: Value] = [:]) -> (Value, Diagnostics) {
        var diagnostics = Diagnostics()
        let (node, yamlDiagnostics) = YAMLReader.parse("value: \(text)\n", file: "test.tandem.yaml")
        diagnostics.append(contentsOf: yamlDiagnostics)
        guard let entry = node?.entry("value") else { return (.unknown, diagnostics) }
        let expression = entry.value.expression(diagnostics: &diagnostics)
        let value = Evaluator(scope: EvaluationScope(variables: variables, resources: resources)).evaluate(expression, diagnostics: &diagnostics)
        return (value, diagnostics)
    }

    @Test func singleInterpolationKeepsTheExpressionType() {
        #expect(evaluate(#""${var.count}""#, variables: ["count": .number(5)]).0 == .number(5))
        #expect(evaluate(#""${var.tags}""#, variables: ["tags": .map(["a": .string("b")])]).0 == .map(["a": .string("b")]))
        #expect(evaluate(#""${var.flag}""#, variables: ["flag": .bool(true)]).0 == .bool(true))
    }

    @Test func templatesProduceStrings() {
        let (value, diagnostics) = evaluate(#""arn:aws:s3:::${var.bucket}/*""#, variables: ["bucket": .string("b1")])
        #expect(diagnostics.isEmpty)
        #expect(value == .string("arn:aws:s3:::b1/*"))
        #expect(evaluate(#""n=${var.n}""#, variables: ["n": .number(3)]).0 == .string("n=3"))
    }

    @Test func dollarDollarEscapesInterpolation() {
        #expect(evaluate(#""$${literal}""#).0 == .string("${literal}"))
    }

    @Test func operatorsFollowPrecedence() {
        #expect(evaluate(#""${1 + 2 * 3}""#).0 == .number(7))
        #expect(evaluate(#""${(1 + 2) * 3}""#).0 == .number(9))
        #expect(evaluate(#""${1 < 2 && !false}""#).0 == .bool(true))
        #expect(evaluate(#""${var.env == \"prod\" ? 3 : 1}""#, variables: ["env": .string("prod")]).0 == .number(3))
    }

    @Test func indexingListsAndMaps() {
        let variables: [String: Value] = ["list": .list([.string("a"), .string("b")]), "map": .map(["k": .string("v")])]
        #expect(evaluate(#""${var.list[1]}""#, variables: variables).0 == .string("b"))
        #expect(evaluate(#""${var.map[\"k\"]}""#, variables: variables).0 == .string("v"))
    }

    @Test func unknownValuesPropagate() {
        let resources: [String: Value] = ["aws_sqs_queue.dlq": .map(["arn": .unknown, "name": .string("dlq")])]
        #expect(evaluate(#""${aws_sqs_queue.dlq.arn}""#, resources: resources).0 == .unknown)
        #expect(evaluate(#""prefix-${aws_sqs_queue.dlq.arn}""#, resources: resources).0 == .unknown)
        #expect(evaluate(#""${aws_sqs_queue.dlq.name}""#, resources: resources).0 == .string("dlq"))
    }

    @Test func undeclaredReferencesSuggestTheClosestName() {
        let resources: [String: Value] = ["aws_sqs_queue.dlq": .map(["arn": .unknown])]
        let (_, diagnostics) = evaluate(#""${aws_sqs_queue.dql.arn}""#, resources: resources)
        let diagnostic = diagnostics.errors.first
        #expect(diagnostic?.summary == #"Reference to undeclared resource "aws_sqs_queue.dql""#)
        #expect(diagnostic?.detail?.contains(#"Did you mean "aws_sqs_queue.dlq"?"#) == true)
        #expect(diagnostic?.range?.start == SourcePosition(line: 1, column: 11))
    }

    @Test func unknownAttributeOfAResourceIsAnError() {
        let resources: [String: Value] = ["aws_sqs_queue.dlq": .map(["arn": .unknown, "url": .unknown])]
        let (_, diagnostics) = evaluate(#""${aws_sqs_queue.dlq.arm}""#, resources: resources)
        #expect(diagnostics.errors.first?.summary == #"Unsupported attribute "arm""#)
        #expect(diagnostics.errors.first?.detail?.contains(#"Did you mean "arn"?"#) == true)
    }

    @Test func syntaxErrorsPointIntoTheString() {
        let (_, diagnostics) = evaluate(#""${var.a +}""#, variables: ["a": .number(1)])
        let diagnostic = diagnostics.errors.first
        #expect(diagnostic?.summary.hasPrefix("Invalid expression") == true)
        #expect(diagnostic?.range?.start.line == 1)
        #expect(diagnostic?.range?.start.column == 18)
    }

    @Test func unknownFunctionSuggestsTheClosestOne() {
        let (_, diagnostics) = evaluate(#""${lowr(\"A\")}""#)
        #expect(diagnostics.errors.first?.summary == #"Call to unknown function "lowr""#)
        #expect(diagnostics.errors.first?.detail?.contains(#""lower""#) == true)
        #expect(evaluate(#""${upper(\"a\")}""#).0 == .string("A"))
    }
}
