import TandemCore
import TandemLanguage

/// Configured provider instances of one run, by provider key (`aws`, `aws.dest`), created on first use.
public actor ProviderSessions {
    private let registry: ProviderRegistry
    private let configuration: Configuration
    private let variables: [String: Value]
    private let environment: [String: String]
    /// One configuration task per key, so concurrent callers share one instance (the actor is re-entered while configuring).
    private var instances: [String: Task<any ConfiguredProvider, Error>] = [:]

    /// Creates sessions for a configuration and its variable values.
    public init(registry: ProviderRegistry, configuration: Configuration, variables: [String: Value], environment: [String: String]) {
        self.registry = registry
        self.configuration = configuration
        self.variables = variables
        self.environment = environment
    }

    /// The configured provider for `key`, configuring it on first use.
    ///
    /// A key without a `providers:` block (plain `aws`) is configured from the environment alone.
    public func provider(_ key: String) async throws -> any ConfiguredProvider {
        if let instance = instances[key] { return try await instance.value }
        let task = Task { try await configure(key) }
        instances[key] = task
        return try await task.value
    }

    private func configure(_ key: String) async throws -> any ConfiguredProvider {
        let name = String(key.prefix { $0 != "." })
        guard let provider = registry.providers[name] else {
            throw Diagnostics([.error("Unknown provider \"\(name)\"", detail: "Known providers: \(registry.providers.keys.sorted().joined(separator: ", ")).")])
        }
        var diagnostics = Diagnostics()
        var value: Value = .map([:])
        if let declaration = configuration.providers[key] {
            let evaluated = Evaluator(scope: StaticScope.root(configuration, variables: variables)).evaluate(declaration.body, diagnostics: &diagnostics)
            value = SchemaConformance(subject: "provider \(key)")
                .conformBlock(evaluated, expression: declaration.body, attributes: provider.configurationSchema.attributes, diagnostics: &diagnostics)
            if value.containsUnknown {
                diagnostics.append(.error("Provider configuration depends on values known only after apply",
                                          detail: "Provider blocks may use variables but not resource attributes.", range: declaration.range))
            }
        } else if key.contains(".") {
            throw Diagnostics([.error("Provider configuration \"\(key)\" is not declared", detail: "Add a providers: entry \"\(key)\".")])
        }
        try diagnostics.throwIfErrors()
        return try await provider.configure(value, environment: environment)
    }

    /// Configures every provider key in `uses` (key and where it is used), so that a missing region or credentials is
    /// reported once, before any refresh, at the provider block (or the first resource using an undeclared one).
    public func configureAll(_ uses: [(key: String, range: SourceRange?)]) async -> Diagnostics {
        var diagnostics = Diagnostics()
        var seen: Set<String> = []
        for use in uses where seen.insert(use.key).inserted {
            do {
                _ = try await provider(use.key)
            } catch let error as Diagnostics {
                diagnostics.append(contentsOf: error)
            } catch {
                let message = (error as? ProviderError)?.message ?? "\(error)"
                diagnostics.append(.error("Cannot configure provider \"\(use.key)\"", detail: message,
                                          range: configuration.providers[use.key]?.range ?? use.range))
            }
        }
        return diagnostics
    }

    /// Shuts down every configured provider.
    public func shutdown() async {
        for task in instances.values {
            if let instance = try? await task.value { await instance.shutdown() }
        }
        instances = [:]
    }
}
