import TandemCore

/// The values references resolve to while evaluating expressions.
public struct EvaluationScope: Sendable {
    /// Input variable values by name.
    public var variables: [String: Value]
    /// Resource values by `TYPE.NAME` (objects of all schema attributes; `.unknown` parts are known after apply).
    public var resources: [String: Value]

    /// Creates a scope.
    public init(variables: [String: Value] = [:], resources: [String: Value] = [:]) {
        self.variables = variables
        self.resources = resources
    }
}
