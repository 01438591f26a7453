import TandemCore
import TandemLanguage

/// One instance of a module: the root module, or one call (one `count`/`for_each` key) of a child module.
public struct ModuleInstance: Sendable {
    /// Where the instance is (`[]` for the root module).
    public var path: ModulePath
    /// The module's configuration.
    public var configuration: Configuration
    /// The call that made this instance; nil for the root module.
    public var call: ModuleCall?
    /// `each` or `count` of this call instance, as evaluated in the caller.
    public var repetitionNames: [String: Value]
    /// Provider keys passed by the call (`providers: {aws: aws.dest}`), this module's key to the caller's key.
    public var passedProviders: [String: String]

    /// Creates an instance.
    public init(path: ModulePath, configuration: Configuration, call: ModuleCall?, repetitionNames: [String: Value] = [:],
                passedProviders: [String: String] = [:]) {
        self.path = path
        self.configuration = configuration
        self.call = call
        self.repetitionNames = repetitionNames
        self.passedProviders = passedProviders
    }

    /// The path of the calling module instance (the root module is its own parent).
    public var parentPath: ModulePath { Array(path.dropLast()) }
}

/// One instance of a resource or data source declaration.
public struct ResourceInstance: Sendable {
    /// The instance's full address.
    public var address: ResourceAddress
    /// The declaration it comes from.
    public var declaration: ResourceDeclaration
    /// `each` or `count` of this instance.
    public var repetitionNames: [String: Value]
    /// The root module's provider configuration key it uses (`aws`, `aws.dest`).
    public var providerKey: String

    /// Creates an instance.
    public init(address: ResourceAddress, declaration: ResourceDeclaration, repetitionNames: [String: Value], providerKey: String) {
        self.address = address
        self.declaration = declaration
        self.repetitionNames = repetitionNames
        self.providerKey = providerKey
    }
}
