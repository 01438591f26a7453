import TandemCore
import TandemLanguage
import TandemState

/// Brings an existing object under management (`tandem import ADDRESS ID`): reads it through the provider of the
/// declared resource and records it in the state, touching nothing else. The next plan shows how the object
/// differs from its configuration.
public struct Importer: Sendable {
    /// The available providers.
    public let registry: ProviderRegistry
    /// Configured provider instances for this run.
    public let sessions: ProviderSessions

    /// Creates an importer.
    public init(registry: ProviderRegistry, sessions: ProviderSessions) {
        self.registry = registry
        self.sessions = sessions
    }

    /// The state with the object `id` recorded at `address`; throws `Diagnostics` when the address is not declared,
    /// is already managed, or no such object exists, and when the object is already managed at another address.
    public func importObject(_ id: String, at address: ResourceAddress, configuration: Configuration,
                             variables: [String: Value], state: StateFile?) async throws -> StateFile {
        let (expansion, expansionDiagnostics) = Expansion.expand(configuration, variables: variables, requireKnownRepetition: true)
        try expansionDiagnostics.throwIfErrors()
        guard address.mode == .managed, let instance = expansion.instances[address], let schema = registry.schema(for: address) else {
            let declared = expansion.instances.keys.filter { $0.mode == .managed }.map(\.description)
            throw Diagnostics([.error("\(address) is not declared in the configuration",
                                     detail: "Declare the resource first, then import the object into it.\(Suggestions.didYouMean(address.description, in: declared))")])
        }
        var result = state ?? StateFile()
        if result.resource(address) != nil {
            throw Diagnostics([.error("\(address) already manages an object",
                                     detail: "Remove it with tandem state rm first if it should manage another one.", range: instance.declaration.range)])
        }
        try await sessions.configureAll([(instance.providerKey, instance.declaration.providerRange ?? instance.declaration.range)]).throwIfErrors()
        let value: Value?
        do {
            value = try await sessions.provider(instance.providerKey).importObject(type: address.type, id: id)
        } catch {
            throw Diagnostics(EngineErrors.diagnostics(for: error, address: address, operation: "import"))
        }
        guard let value else {
            throw Diagnostics([.error("No \(address.type) \"\(id)\" exists", detail: "Nothing was imported.", range: instance.declaration.range)])
        }
        if let arn = value["arn"].stringValue,
           let owner = result.resources.first(where: { $0.address.type == address.type && $0.attributes["arn"].stringValue == arn }) {
            throw Diagnostics([.error("\(arn) is already managed as \(owner.address)",
                                     detail: "Two addresses managing one object would fight over it; use moved: to rename instead.",
                                     range: instance.declaration.range)])
        }
        result.upsert(ResourceState(address: address, provider: instance.providerKey, attributes: value, dependencies: [],
                                    sensitiveAttributes: schema.sensitivePaths.sorted()))
        result.serial += 1
        return result
    }
}
