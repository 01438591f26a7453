import TandemCore

/// The providers Tandem knows, by name.
public struct ProviderRegistry: Sendable {
    /// Providers by name.
    public let providers: [String: any Provider]

    /// Creates a registry.
    public init(_ providers: [any Provider]) {
        self.providers = Dictionary(uniqueKeysWithValues: providers.map { ($0.name, $0) })
    }

    /// The schema of resource type `type`, if a provider offers it.
    public func schema(for type: String) -> ResourceSchema? {
        for provider in providers.values {
            if let schema = provider.resourceSchemas[type] { return schema }
        }
        return nil
    }

    /// The schema of the resource or data source type of `address`, if a provider offers it.
    public func schema(for address: ResourceAddress) -> ResourceSchema? {
        guard address.mode == .data else { return schema(for: address.type) }
        for provider in providers.values {
            if let schema = provider.dataSourceSchemas[address.type] { return schema }
        }
        return nil
    }

    /// Every data source type offered, for suggestions.
    public var dataSourceTypes: [String] {
        providers.values.flatMap { $0.dataSourceSchemas.keys }.sorted()
    }

    /// Every resource type offered, for suggestions.
    public var resourceTypes: [String] {
        providers.values.flatMap { $0.resourceSchemas.keys }.sorted()
    }
}
