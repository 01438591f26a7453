import TandemCore

/// The providers Tandem knows, by name.
public struct ProviderRegistry: Sendable {
    /// Providers by name.
    public let providers: [String: any Provider]
    /// Resource schemas of every provider, by type (looked up once per resource instance, so built once).
    private let resourceSchemas: [String: ResourceSchema]
    /// Data source schemas of every provider, by type.
    private let dataSourceSchemas: [String: ResourceSchema]

    /// Creates a registry.
    public init(_ providers: [any Provider]) {
        self.providers = Dictionary(uniqueKeysWithValues: providers.map { ($0.name, $0) })
        resourceSchemas = providers.reduce(into: [:]) { $0.merge($1.resourceSchemas) { first, _ in first } }
        dataSourceSchemas = providers.reduce(into: [:]) { $0.merge($1.dataSourceSchemas) { first, _ in first } }
    }

    /// The schema of resource type `type`, if a provider offers it.
    public func schema(for type: String) -> ResourceSchema? {
        resourceSchemas[type]
    }

    /// The schema of the resource or data source type of `address`, if a provider offers it.
    public func schema(for address: ResourceAddress) -> ResourceSchema? {
        address.mode == .data ? dataSourceSchemas[address.type] : resourceSchemas[address.type]
    }

    /// Every data source type offered, for suggestions.
    public var dataSourceTypes: [String] {
        dataSourceSchemas.keys.sorted()
    }

    /// Every resource type offered, for suggestions.
    public var resourceTypes: [String] {
        resourceSchemas.keys.sorted()
    }
}
