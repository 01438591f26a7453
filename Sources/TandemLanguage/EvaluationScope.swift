import TandemCore

/// The values references resolve to while evaluating expressions.
public struct EvaluationScope: Sendable {
    /// Input variable values by name.
    public var variables: [String: Value]
    /// Resource values by `TYPE.NAME` (objects of all schema attributes; `.unknown` parts are known after apply).
    public var resources: [String: Value]
    /// Values of bare names, looked up before resources: `local`, `each`, `count`, and a template's variables.
    public var names: [String: Value]
    /// The directory `file()` and `templatefile()` resolve relative paths against; nil forbids file access.
    public var baseDirectory: String?
    /// Where `file()` and `templatefile()` read (the disk, or a commit).
    public var files: any ConfigurationFiles

    /// Creates a scope.
    public init(variables: [String: Value] = [:], resources: [String: Value] = [:], names: [String: Value] = [:],
                baseDirectory: String? = nil, files: any ConfigurationFiles = LocalConfigurationFiles()) {
        self.variables = variables
        self.resources = resources
        self.names = names
        self.baseDirectory = baseDirectory
        self.files = files
    }
}
