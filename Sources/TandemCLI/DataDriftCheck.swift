import Foundation
import TandemCore
import TandemEngine
import TandemReplicator
import TandemState

/// One replication's data-plane comparison, as `tandem drift --data` reports it.
struct DataDriftResult: Encodable, Sendable {
    /// Compared, not comparable by listing, or failed.
    enum Status: String, Encodable, Sendable { case checked, notComparable = "not_comparable", failed }

    /// The resource that sets the replication up.
    var address: String
    /// The replication within it (`pipeline NAME`, `rule ID`).
    var replication: String
    /// `s3://bucket/prefix` of each side.
    var source: String
    var target: String
    var status: Status
    /// What the comparison found (when checked).
    var findings: ReplicaAudit.Findings?
    /// Why it was not compared or failed.
    var reason: String?

    /// True when objects are missing, extra or different.
    var drifted: Bool { !(findings?.inSync ?? true) }
}

/// Lists both sides of every replication the state's resources set up (each `tandem_replicator` pipeline, each
/// enabled rule of an `aws_s3_bucket_replication`) and compares them with `ReplicaAudit`.
struct DataDriftCheck {
    let grace: Duration
    let checksum: Bool
    let sample: Int?
    let environment: [String: String]

    /// Compares each replication of `state`'s resources, their attributes as refreshed by `plan`.
    func run(state: StateFile?, plan: Plan, sessions: ProviderSessions, progress: (String) -> Void) async -> [DataDriftResult] {
        var results: [DataDriftResult] = []
        for resource in state?.resources ?? [] where resource.address.mode == .managed {
            let address = resource.address.description
            let value = plan.refreshedState[address] ?? resource.attributes
            let replications: [DataReplication]
            do {
                replications = try await sessions.provider(resource.provider).dataReplications(type: resource.address.type, value: value)
            } catch {
                results.append(DataDriftResult(address: address, replication: "(all)", source: "", target: "", status: .failed,
                                               reason: "cannot find what it replicates: \(error)"))
                continue
            }
            for replication in replications {
                var result = DataDriftResult(address: address, replication: replication.name, source: replication.source.description,
                                             target: replication.target.description, status: .notComparable)
                if let reason = replication.notComparable {
                    result.reason = reason
                } else {
                    progress("\(address) \(replication.name): comparing \(replication.source) with \(replication.target)")
                    do {
                        let audit = ReplicaAudit(source: try ObjectStoreClients.side(replication.source, environment: environment),
                                                 target: try ObjectStoreClients.side(replication.target, environment: environment),
                                                 grace: grace, checksum: checksum, sample: sample)
                        result.findings = try await audit.run()
                        result.status = .checked
                    } catch {
                        result.status = .failed
                        result.reason = "\(error)"
                    }
                }
                results.append(result)
            }
        }
        return results
    }
}
