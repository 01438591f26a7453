import Foundation
import TandemTesting

extension TandemBinary {
    /// A fresh directory holding a copy of `examples/EXAMPLE/main.tandem.yaml`, with dummy credentials and the
    /// standard `AWS_ENDPOINT_URL` (which the AWS CLI honours too) pointing at moto.
    static func workspace(_ moto: MotoServer, example: String) throws -> TandemBinary {
        let (directory, base) = try copy(repositoryRoot + "/examples/\(example)/main.tandem.yaml")
        var environment = base
        environment["AWS_ACCESS_KEY_ID"] = "testing"
        environment["AWS_SECRET_ACCESS_KEY"] = "testing"
        environment["AWS_ENDPOINT_URL"] = moto.endpoint
        environment["NO_COLOR"] = "1"
        return TandemBinary(directory: directory, environment: environment)
    }

    /// A fresh directory holding a copy of `examples/EXAMPLE/main.tandem.yaml`, with `CEPH_CONF` naming `cluster`'s
    /// configuration (for radosgw-admin) and, when it has a gateway, `RGW_ENDPOINT` and its admin keys.
    static func workspace(_ cluster: CephCluster, example: String) throws -> TandemBinary {
        try workspace(cluster, copying: repositoryRoot + "/examples/\(example)/main.tandem.yaml")
    }

    /// The same with `configuration` as the directory's `main.tandem.yaml`.
    static func workspace(_ cluster: CephCluster, configuration: String) throws -> TandemBinary {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-config-\(UUID()).yaml").path
        try configuration.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try workspace(cluster, copying: file)
    }

    private static func workspace(_ cluster: CephCluster, copying file: String) throws -> TandemBinary {
        let (directory, base) = try copy(file)
        var environment = base
        environment["CEPH_CONF"] = cluster.configPath
        environment["RGW_ENDPOINT"] = cluster.endpoint
        environment["RGW_ACCESS_KEY_ID"] = cluster.adminCredentials?.accessKeyID
        environment["RGW_SECRET_ACCESS_KEY"] = cluster.adminCredentials?.secretAccessKey
        environment["NO_COLOR"] = "1"
        return TandemBinary(directory: directory, environment: environment)
    }

    /// A new temporary directory with `file` as its configuration, and the environment without AWS_/TANDEM_/RGW_/CEPH_ settings.
    private static func copy(_ file: String) throws -> (String, [String: String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-e2e-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file, toPath: directory + "/main.tandem.yaml")
        let environment = ProcessInfo.processInfo.environment.filter { entry in
            !["AWS_", "TANDEM_", "RGW_", "CEPH_"].contains { entry.key.hasPrefix($0) }
        }
        return (directory, environment)
    }

    /// The value of a sensitive attribute from the state file (never printed by tandem itself).
    func stateAttribute(_ address: String, _ name: String) throws -> String? {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/state/default.json"))
        let state = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let resource = (state?["resources"] as? [[String: Any]])?.first { $0["address"] as? String == address }
        return (resource?["attributes"] as? [String: Any])?[name] as? String
    }
}
