import Foundation
import TandemCore
import TandemReplicator

/// Where a `tandem_replicator` runs: `local` (a background process on this machine, ``LocalReplicatorRuntime``) or
/// `kubernetes` (a Deployment with its Secret, Service, PodMonitor and PrometheusRule, ``KubernetesReplicatorRuntime``)
/// or `camel-k` (a Camel K Integration, ``CamelKReplicatorRuntime``).
protocol ReplicatorRuntime: Sendable {
    /// Installs `configuration` for the replicator `name` and, when `running`, (re)starts it and waits until it is ready.
    func deploy(name: String, configuration: Data, running: Bool, progress: @Sendable (String) -> Void) async throws -> ReplicatorObservation
    /// What is deployed and running now; nil when nothing is deployed.
    func observe(name: String) async throws -> ReplicatorObservation?
    /// Stops the replicator and removes what holds credentials.
    func remove(name: String, progress: @Sendable (String) -> Void) async throws
    /// What the replicator `name`, configured to listen at `listen`, answers on `/status`, wherever it runs.
    func status(name: String, listen: String) async -> [ReplicatorStatusAnswer]
}

/// A deployed replicator as observed.
struct ReplicatorObservation: Sendable {
    /// `running` (answers, ready, runs the deployed configuration), `stale` (runs another configuration),
    /// `unresponsive` (its process lives but `/status` does not answer), or `stopped`.
    var state: String
    /// The deployed configuration.
    var configuration: ReplicatorConfiguration
    /// The process id, when running.
    var pid: Int32?
    /// Where the configuration file is.
    var configurationPath: String
    /// Where the process logs.
    var logPath: String
    /// Where `/metrics`, `/status` and pushes are served, when not at the configuration's `listen` (a Service).
    var endpoint: String?
    /// The `kubernetes` settings as deployed (runtime kubernetes and camel-k).
    var kubernetes: Value = .null
}
