/// The configured providers one plan has asked `ProviderSessions` for, kept so planning each of many instances does
/// not go through the actor again (the sessions return the same provider for a key once it is configured).
struct ConfiguredProviderCache {
    private var providers: [String: any ConfiguredProvider] = [:]

    /// The provider configured for `key`; a key that failed to configure is asked again (and throws again).
    mutating func provider(_ key: String, from sessions: ProviderSessions) async throws -> any ConfiguredProvider {
        if let provider = providers[key] { return provider }
        let provider = try await sessions.provider(key)
        providers[key] = provider
        return provider
    }
}
