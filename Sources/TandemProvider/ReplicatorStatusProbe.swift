import AWSClient
import Foundation
import TandemCore
import TandemEngine
import TandemReplicator

/// What one place a replicator runs (its process, or one of its pods) answered on `/status`.
public struct ReplicatorStatusAnswer: Sendable, Encodable {
    /// Where it was asked: `http://LISTEN`, or a pod through the API server.
    public var endpoint: String
    /// Whether it is ready: its `/status` says so (a Camel K Integration: its phase is Running).
    public var ready: Bool
    /// The answer, when it answered.
    public var status: ReplicatorStatus?
    /// What went wrong asking, or what there is to know instead (runtime camel-k).
    public var error: String?

    init(endpoint: String, status: ReplicatorStatus) {
        self.endpoint = endpoint
        self.ready = status.ready
        self.status = status
    }

    init(endpoint: String, ready: Bool = false, error: String) {
        self.endpoint = endpoint
        self.ready = ready
        self.error = error
    }
}

/// Asks replicators for their `/status`, wherever they run: for `tandem replicator status`.
public enum ReplicatorStatusProbe {
    /// The answer of the replicator listening at `listen` (`HOST:PORT`).
    public static func ask(listen: String, transport: AWSTransport) async -> ReplicatorStatusAnswer {
        let endpoint = "http://\(listen)"
        do {
            let response = try await transport.sendUnsigned(method: "GET", url: endpoint + "/status")
            guard response.statusCode == 200 else { return ReplicatorStatusAnswer(endpoint: endpoint, error: "HTTP \(response.statusCode) from /status") }
            return ReplicatorStatusAnswer(endpoint: endpoint, status: try JSONDecoder().decode(ReplicatorStatus.self, from: Data(response.body)))
        } catch {
            return ReplicatorStatusAnswer(endpoint: endpoint, error: "\(error)")
        }
    }

    /// The answers of the replicator a `tandem_replicator`'s state `attributes` describe, asked through `provider` (the
    /// tandem provider configuration it was applied with): one per pod for runtime kubernetes.
    public static func ask(replicator attributes: Value, provider: any ConfiguredProvider) async -> [ReplicatorStatusAnswer] {
        guard let tandem = provider as? ConfiguredTandemProvider, let name = attributes["name"].stringValue else {
            return [ReplicatorStatusAnswer(endpoint: "-", error: "not a tandem_replicator of the tandem provider")]
        }
        do {
            return try await tandem.runtime(attributes).status(name: name, listen: attributes["listen"].stringValue ?? "")
        } catch {
            return [ReplicatorStatusAnswer(endpoint: "-", error: "\(error)")]
        }
    }
}
