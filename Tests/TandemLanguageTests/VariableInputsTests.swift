import Foundation
import Testing
import TandemCore
import TandemLanguage

@Suite struct VariableInputsTests {
    private let declarations: [String: VariableDeclaration] = [
        "region": VariableDeclaration(name: "region", defaultValue: .string("af-south-1"), type: nil, description: nil, sensitive: false,
                                      range: SourceRange(file: "v.tandem.yaml", line: 2, column: 3)),
        "count": VariableDeclaration(name: "count", defaultValue: nil, type: .number, description: nil, sensitive: false,
                                     range: SourceRange(file: "v.tandem.yaml", line: 4, column: 3)),
    ]

    @Test func precedenceIsDefaultThenEnvironmentThenFileThenFlag() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vars-\(UUID()).yaml").path
        try "region: from-file\ncount: 2\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }

        var (values, diagnostics) = VariableInputs(environment: ["TANDEM_VAR_count": "1"]).resolve(declarations)
        #expect(diagnostics.isEmpty)
        #expect(values["region"] == .string("af-south-1"))
        #expect(values["count"] == .number(1))

        (values, diagnostics) = VariableInputs(files: [file], environment: ["TANDEM_VAR_region": "from-env", "TANDEM_VAR_count": "1"]).resolve(declarations)
        #expect(values["region"] == .string("from-file"))
        #expect(values["count"] == .number(2))

        (values, diagnostics) = VariableInputs(assignments: [("region", "from-flag")], files: [file]).resolve(declarations)
        #expect(values["region"] == .string("from-flag"))
    }

    @Test func missingRequiredVariablePointsAtItsDeclaration() {
        let (_, diagnostics) = VariableInputs().resolve(declarations)
        #expect(diagnostics.errors.first?.summary == #"No value for required variable "count""#)
        #expect(diagnostics.errors.first?.range?.description == "v.tandem.yaml:4:3")
    }

    @Test func offlineValidationLeavesAMissingValueUnknown() {
        let (values, diagnostics) = VariableInputs(assignments: [("region", "eu-west-1")]).resolve(declarations, requiringAll: false)
        #expect(diagnostics.isEmpty)
        #expect(values["region"] == .string("eu-west-1") && values["count"] == .unknown)
    }

    @Test func wrongTypeAndUndeclaredNamesAreErrors() {
        let (_, diagnostics) = VariableInputs(assignments: [("count", "many"), ("regoin", "x")]).resolve(declarations)
        let summaries = diagnostics.errors.map(\.summary)
        #expect(summaries.contains(#"Invalid value for variable "count""#))
        #expect(summaries.contains(#"Value for undeclared variable "regoin""#))
        #expect(diagnostics.errors.first { $0.summary.contains("regoin") }?.detail?.contains(#""region""#) == true)
    }
}

@Suite struct VariableValidationTests {
    private let source = """
    variables:
      region:
        default: af-south-1
        validation:
          condition: ${contains(["af-south-1", "eu-west-1"], var.region)}
          error_message: The region must be af-south-1 or eu-west-1.
      retention:
        type: number
        default: 5
        validation:
          - condition: ${var.retention >= 1}
            error_message: Keep messages at least one day.
          - condition: ${var.retention <= 14}
            error_message: SQS keeps messages 14 days at most.
    """

    @Test func failingRulesShowTheirMessageAtTheCondition() {
        let (configuration, parse) = ConfigurationLoader.parse(sources: [("v.tandem.yaml", source)], directory: ".")
        #expect(parse.isEmpty)
        #expect(VariableInputs().resolve(configuration.variables).1.isEmpty)
        let (_, diagnostics) = VariableInputs(assignments: [("region", "us-east-1"), ("retention", "30")]).resolve(configuration.variables)
        #expect(diagnostics.errors.map(\.detail) == ["The region must be af-south-1 or eu-west-1.", "SQS keeps messages 14 days at most."])
        #expect(diagnostics.errors.first?.range?.description == "v.tandem.yaml:5:18")
    }

    @Test func malformedRulesAreErrors() {
        let (_, diagnostics) = ConfigurationLoader.parse(sources: [("v.tandem.yaml", """
        variables:
          a:
            validation:
              condition: ${true}
              error_mesage: typo
        """)], directory: ".")
        #expect(diagnostics.errors.map(\.summary).contains("A validation rule needs condition and error_message"))
    }
}
