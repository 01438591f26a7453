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
    public var declaration: ResourceDeclaration {
        get { sharedDeclaration.declaration }
        set { sharedDeclaration = SharedDeclaration(newValue) }
    }
    /// `each` or `count` of this instance.
    public var repetitionNames: [String: Value]
    /// The root module's provider configuration key it uses (`aws`, `aws.dest`).
    public var providerKey: String
    /// The declaration, held once for all instances of a `count`/`for_each` (a declaration is some 250 bytes and a
    /// dozen references to retain on every copy).
    private var sharedDeclaration: SharedDeclaration

    /// Creates an instance.
    public init(address: ResourceAddress, declaration: ResourceDeclaration, repetitionNames: [String: Value], providerKey: String) {
        self.init(address: address, declaration: SharedDeclaration(declaration), repetitionNames: repetitionNames, providerKey: providerKey)
    }

    /// Creates an instance of a declaration other instances share.
    init(address: ResourceAddress, declaration: SharedDeclaration, repetitionNames: [String: Value], providerKey: String) {
        self.address = address
        self.sharedDeclaration = declaration
        self.repetitionNames = repetitionNames
        self.providerKey = providerKey
    }
}

/// A resource declaration held by reference, for the instances of one declaration to share.
final class SharedDeclaration: Sendable {
    let declaration: ResourceDeclaration

    init(_ declaration: ResourceDeclaration) {
        self.declaration = declaration
    }
}
