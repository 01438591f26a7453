import TandemCore

/// A loaded configuration directory: every declaration with its source range.
public struct Configuration: Sendable {
    /// The directory the configuration was read from.
    public var directory: String
    /// Source text of every file read, by path, so diagnostics can show the offending line.
    public var sources: [String: String]
    /// Declared input variables by name.
    public var variables: [String: VariableDeclaration]
    /// Local values by name (`locals:`), referenced as `local.NAME`.
    public var locals: [String: LocalDeclaration] = [:]
    /// Provider configurations by key (`aws`, or `aws.dest` for an alias).
    public var providers: [String: ProviderDeclaration]
    /// Declared resources (`resources:`) and data sources (`data:`), sorted by address.
    public var resources: [ResourceDeclaration]
    /// Declared outputs, sorted by name.
    public var outputs: [OutputDeclaration]
    /// Module calls (`modules:`), sorted by name, each with the module's loaded configuration.
    public var modules: [ModuleCall] = []
    /// `moved:` entries: resource addresses renamed without destroying the object.
    public var moved: [MovedDeclaration] = []
    /// Where the state is kept (`backend:`), when declared.
    public var backend: BackendDeclaration?
    /// Where the files were read from, and `file()` reads from (the disk, or a commit).
    public var files: any ConfigurationFiles = LocalConfigurationFiles()

    /// Creates a configuration.
    public init(directory: String, sources: [String: String] = [:], variables: [String: VariableDeclaration] = [:],
                providers: [String: ProviderDeclaration] = [:], resources: [ResourceDeclaration] = [], outputs: [OutputDeclaration] = []) {
        self.directory = directory
        self.sources = sources
        self.variables = variables
        self.providers = providers
        self.resources = resources
        self.outputs = outputs
    }

    /// A scope for evaluating this configuration: the variables, and files read relative to its directory.
    public func scope(variables: [String: Value]) -> EvaluationScope {
        EvaluationScope(variables: variables, baseDirectory: directory, files: files)
    }

    /// The resource declared at `address`, if any (in this module, ignoring the instance key).
    public func resource(_ address: ResourceAddress) -> ResourceDeclaration? {
        let declaration = ResourceAddress(mode: address.mode, type: address.type, name: address.name)
        return resources.first { $0.address == declaration }
    }

    /// The module call named `name`, if any.
    public func module(_ name: String) -> ModuleCall? {
        modules.first { $0.name == name }
    }
}

/// An input variable declaration.
public struct VariableDeclaration: Sendable {
    /// The variable's name.
    public var name: String
    /// The default value; nil means the variable is required.
    public var defaultValue: Value?
    /// The expected type, if declared.
    public var type: VariableType?
    /// Human description.
    public var description: String?
    /// True when the value must be masked in output.
    public var sensitive: Bool
    /// Where the variable is declared.
    public var range: SourceRange
    /// Rules the value must satisfy.
    public var validations: [VariableValidation]

    /// Creates a declaration.
    public init(name: String, defaultValue: Value?, type: VariableType?, description: String?, sensitive: Bool, range: SourceRange,
                validations: [VariableValidation] = []) {
        self.name = name
        self.defaultValue = defaultValue
        self.type = type
        self.description = description
        self.sensitive = sensitive
        self.range = range
        self.validations = validations
    }
}

/// A `validation` rule of a variable: a condition over the variable and the message shown when it is false.
public struct VariableValidation: Sendable {
    /// A bool expression, e.g. `${contains(["af-south-1", "eu-west-1"], var.region)}`.
    public var condition: Expression
    /// What the user is told when the condition is false.
    public var errorMessage: String
    /// Where the rule is written.
    public var range: SourceRange

    /// Creates a rule.
    public init(condition: Expression, errorMessage: String, range: SourceRange) {
        self.condition = condition
        self.errorMessage = errorMessage
        self.range = range
    }
}

/// The declared type of a variable.
public enum VariableType: String, Sendable, CaseIterable {
    /// Text (numbers and bools convert).
    case string
    /// A number.
    case number
    /// true or false.
    case bool
    /// A list.
    case list
    /// A map.
    case map
    /// Anything.
    case any
}

/// A `locals:` entry: a named expression, referenced as `local.NAME`.
public struct LocalDeclaration: Sendable {
    /// The local's name.
    public var name: String
    /// Its expression.
    public var value: Expression
    /// Where it is declared.
    public var range: SourceRange

    /// Creates a declaration.
    public init(name: String, value: Expression, range: SourceRange) {
        self.name = name
        self.value = value
        self.range = range
    }
}

/// A provider configuration block.
public struct ProviderDeclaration: Sendable {
    /// Provider name (`aws`).
    public var name: String
    /// Alias, when the block is keyed `aws.dest`.
    public var alias: String?
    /// The provider arguments as an object expression.
    public var body: Expression
    /// Where the block's key is.
    public var range: SourceRange

    /// `aws` or `aws.ALIAS`.
    public var key: String { alias.map { "\(name).\($0)" } ?? name }

    /// Creates a declaration.
    public init(name: String, alias: String?, body: Expression, range: SourceRange) {
        self.name = name
        self.alias = alias
        self.body = body
        self.range = range
    }
}

/// A `resources:` entry.
public struct ResourceDeclaration: Sendable {
    /// The resource's address.
    public var address: ResourceAddress
    /// The provider configuration key this resource uses (`aws` or `aws.dest`).
    public var providerKey: String
    /// Where `provider:` was written, if it was.
    public var providerRange: SourceRange?
    /// The resource's arguments (meta-arguments removed), in source order.
    public var arguments: [ObjectEntry]
    /// Explicit `depends_on` entries.
    public var explicitDependencies: [(address: ResourceAddress, range: SourceRange)]
    /// Where the resource's key is.
    public var range: SourceRange
    /// The `lifecycle` meta-argument.
    public var lifecycle: Lifecycle
    /// `count` or `for_each`, when the resource is repeated.
    public var repetition: Repetition?

    /// Creates a declaration.
    public init(address: ResourceAddress, providerKey: String, providerRange: SourceRange?, arguments: [ObjectEntry],
                explicitDependencies: [(address: ResourceAddress, range: SourceRange)], range: SourceRange,
                lifecycle: Lifecycle = Lifecycle(), repetition: Repetition? = nil) {
        self.address = address
        self.repetition = repetition
        self.providerKey = providerKey
        self.providerRange = providerRange
        self.arguments = arguments
        self.explicitDependencies = explicitDependencies
        self.range = range
        self.lifecycle = lifecycle
    }

    /// The arguments as one object expression.
    public var body: Expression { .object(arguments, range) }
}

/// A resource's `lifecycle` meta-argument.
public struct Lifecycle: Sendable {
    /// Where `prevent_destroy: true` is written; a plan that would delete or replace the resource is an error.
    public var preventDestroy: SourceRange?
    /// `create_before_destroy: true`: a replacement creates the new object before deleting the old one.
    public var createBeforeDestroy = false
    /// Attribute paths whose configured value is ignored once the object exists (`all` ignores every argument).
    public var ignoreChanges: [(path: String, range: SourceRange)]
    /// True when `ignore_changes: all`.
    public var ignoreAllChanges: Bool

    /// No lifecycle rules.
    public init(preventDestroy: SourceRange? = nil, ignoreChanges: [(path: String, range: SourceRange)] = [], ignoreAllChanges: Bool = false) {
        self.preventDestroy = preventDestroy
        self.ignoreChanges = ignoreChanges
        self.ignoreAllChanges = ignoreAllChanges
    }
}

/// An `outputs:` entry.
public struct OutputDeclaration: Sendable {
    /// The output's name.
    public var name: String
    /// The value expression.
    public var value: Expression
    /// Human description.
    public var description: String?
    /// True when the value is masked in output.
    public var sensitive: Bool
    /// Where the output is declared.
    public var range: SourceRange

    /// Creates a declaration.
    public init(name: String, value: Expression, description: String?, sensitive: Bool, range: SourceRange) {
        self.name = name
        self.value = value
        self.description = description
        self.sensitive = sensitive
        self.range = range
    }
}

/// `count` or `for_each` on a resource or module call.
public enum Repetition: Sendable {
    /// `count: N`: instances `[0]` to `[N-1]`, each seeing `count.index`.
    case count(Expression)
    /// `for_each: MAP or SET`: one instance per key, each seeing `each.key` and `each.value`.
    case forEach(Expression)

    /// The expression giving the count or the collection.
    public var expression: Expression {
        switch self {
        case .count(let expression), .forEach(let expression): return expression
        }
    }
}

/// A `modules:` entry: a call of the module in `source` with its inputs.
public struct ModuleCall: Sendable {
    /// The call's name (`module.NAME` in expressions and addresses).
    public var name: String
    /// The `source` path as written, relative to the calling configuration's directory.
    public var source: String
    /// Where `source` is written.
    public var sourceRange: SourceRange
    /// `inputs:` entries: the module's variables, evaluated in the caller.
    public var inputs: [ObjectEntry]
    /// `providers:` entries: the module's provider key (`aws` or `aws.dest`) mapped to the caller's key.
    public var providers: [(child: String, parent: String, range: SourceRange)]
    /// `count` or `for_each`, when the module is instantiated several times.
    public var repetition: Repetition?
    /// Where the call's key is.
    public var range: SourceRange
    /// The module's configuration; nil when it could not be loaded (the loader reported why).
    public var configuration: Configuration?

    /// Creates a call.
    public init(name: String, source: String, sourceRange: SourceRange, inputs: [ObjectEntry] = [],
                providers: [(child: String, parent: String, range: SourceRange)] = [], repetition: Repetition? = nil,
                range: SourceRange, configuration: Configuration? = nil) {
        self.name = name
        self.source = source
        self.sourceRange = sourceRange
        self.inputs = inputs
        self.providers = providers
        self.repetition = repetition
        self.range = range
        self.configuration = configuration
    }
}

/// A `moved:` entry: the object recorded at `from` is now declared at `to`.
public struct MovedDeclaration: Sendable {
    /// The old address.
    public var from: ResourceAddress
    /// The new address.
    public var to: ResourceAddress
    /// Where the entry is written.
    public var range: SourceRange

    /// Creates an entry.
    public init(from: ResourceAddress, to: ResourceAddress, range: SourceRange) {
        self.from = from
        self.to = to
        self.range = range
    }
}

/// The `backend:` block: where the state lives: a local file (`path` or `directory`) or an S3 object (`s3`).
public struct BackendDeclaration: Sendable {
    /// The state file's path (relative paths are relative to the configuration directory), when given.
    public var path: String?
    /// A directory holding one `WORKSPACE.json` per workspace, when given instead of `path`.
    public var directory: String?
    /// The S3 backend's settings, when the state is kept in a bucket.
    public var s3: S3Backend?
    /// Where the block is written.
    public var range: SourceRange

    /// `backend: {s3: {...}}`: the state in an S3 bucket. Credentials are resolved as the aws provider resolves them
    /// (the environment, then `profile`), never written here.
    public struct S3Backend: Sendable, Equatable {
        /// The bucket.
        public var bucket: String
        /// The object key of the default workspace's state; another workspace's is `workspaces/NAME/KEY`.
        public var key: String
        /// The region to sign for (else AWS_REGION, the profile's).
        public var region: String?
        /// An S3-compatible endpoint URL (Ceph RGW, ...); AWS when nil.
        public var endpoint: String?
        /// The shared-config profile.
        public var profile: String?
        /// A PEM file of CAs to trust besides the system's.
        public var caBundle: String?
        /// Refuse an endpoint without server-side encryption (default: only on AWS).
        public var requireEncryption: Bool?

        /// The object key of `workspace`'s state.
        public func key(workspace: String) -> String {
            workspace == "default" ? key : "workspaces/\(workspace)/\(key)"
        }
    }

    /// Creates a declaration.
    public init(path: String?, directory: String?, range: SourceRange) {
        self.path = path
        self.directory = directory
        self.range = range
    }
}

extension Expression {
    /// Local values referenced anywhere inside the expression, as `local.NAME`.
    public var localReferences: [(name: String, range: SourceRange)] {
        traversals.compactMap { traversal in
            guard traversal.root == "local", let names = traversal.leadingNames(2) else { return nil }
            return (names[1], traversal.range)
        }
    }
}
