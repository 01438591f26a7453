import Foundation

/// Produces the `Authorization` header (and any client certificate an exec plugin gives) for each request, caching an
/// exec plugin's credential until its expiry and running the plugin once however many requests wait for it.
actor CredentialSource {
    private let credential: ClusterAccess.Credential
    private let environment: [String: String]
    private var cached: ExecPlugin.Credential?
    private var running: Task<ExecPlugin.Credential, any Error>?
    /// How many times the exec plugin ran (for tests of the cache).
    private(set) var pluginRuns = 0

    init(_ credential: ClusterAccess.Credential, environment: [String: String]) {
        self.credential = credential
        self.environment = environment
    }

    /// The header value, nil for none; and the client identity an exec plugin provided, if any.
    func authorization() async throws -> (header: String?, identity: ClientIdentity?) {
        switch credential {
        case .none: return (nil, nil)
        case .token(let token): return ("Bearer " + token, nil)
        case .basic(let username, let password): return ("Basic " + Data("\(username):\(password)".utf8).base64EncodedString(), nil)
        case .tokenFile(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw KubernetesAuthError("the token file \(path) cannot be read")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw KubernetesAuthError("the token file \(path) is empty") }
            return ("Bearer " + token, nil)
        case .exec(let plugin):
            let result = try await execCredential(plugin)
            return (result.token.map { "Bearer " + $0 }, result.identity)
        }
    }

    /// Forgets a cached exec credential (the server answered 401 with it).
    func invalidate() {
        cached = nil
    }

    /// True when a 401 may be cured by asking again (only an exec plugin's credential can change).
    var canRefresh: Bool {
        if case .exec = credential { return true }
        return false
    }

    private func execCredential(_ plugin: ExecPlugin) async throws -> ExecPlugin.Credential {
        if let cached, cached.expiry.map({ $0.timeIntervalSinceNow > 10 }) ?? true { return cached }
        if let running { return try await running.value }
        let environment = environment
        let task = Task { try await plugin.run(environment: environment) }
        running = task
        pluginRuns += 1
        defer { running = nil }
        let result = try await task.value
        cached = result
        return result
    }
}
