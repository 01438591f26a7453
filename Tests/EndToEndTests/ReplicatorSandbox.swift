import Foundation
import TandemTesting

/// A temporary directory and a free port for `tandem replicator run` as a process, copying between buckets of the
/// test cluster's gateway with its admin keys.
struct ReplicatorSandbox {
    let cluster: CephCluster
    let directory: String
    let port = CephCluster.freePort()
    /// The `tandem` binary, run in the directory.
    let tandem: TandemBinary

    init(_ cluster: CephCluster, label: String) throws {
        self.cluster = cluster
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(label)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        tandem = TandemBinary(directory: directory, environment: ProcessInfo.processInfo.environment)
    }

    /// A `source` or `target.endpoint` entry for `bucket`.
    func endpoint(_ bucket: String) -> [String: Any] {
        ["endpoint": cluster.endpoint ?? "", "region": "us-east-1", "bucket": bucket,
         "access_key": cluster.adminCredentials?.accessKeyID ?? "", "secret_key": cluster.adminCredentials?.secretAccessKey ?? ""]
    }

    /// Writes the runtime configuration (listening on `port`, state under the directory) and returns its path.
    func writeConfiguration(pipelines: [[String: Any]]) throws -> String {
        let configuration: [String: Any] = ["listen": "127.0.0.1:\(port)", "state_directory": directory + "/state", "pipelines": pipelines]
        let path = directory + "/replicator.json"
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Removes the directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
