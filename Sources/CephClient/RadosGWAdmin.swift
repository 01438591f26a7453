import ChildProcess
import Foundation

/// Runs `radosgw-admin` the way operators do: on this machine, or through a command prefix such as
/// `kubectl -n rook-ceph exec -i deploy/rook-ceph-tools --`.
///
/// Secret options (keys) never appear in any process's arguments: they travel on standard input to a shell that puts
/// them in `CEPH_ARGS`, which every Ceph tool reads as extra options. A prefix must therefore forward standard input
/// (`kubectl exec -i`).
public struct RadosGWAdmin: Sendable {
    /// Words put before the program, e.g. `["kubectl", "-n", "rook-ceph", "exec", "-i", "deploy/rook-ceph-tools", "--"]`.
    public var commandPrefix: [String]
    /// The program, `radosgw-admin` unless configured otherwise.
    public var program: String
    /// A cluster configuration file passed as `--conf` (the tool otherwise uses `CEPH_CONF` or /etc/ceph/ceph.conf).
    public var clusterConfiguration: String?
    /// The environment the command runs with.
    public var environment: [String: String]

    /// Creates a runner.
    public init(commandPrefix: [String] = [], program: String = "radosgw-admin", clusterConfiguration: String? = nil,
                environment: [String: String]) {
        self.commandPrefix = commandPrefix
        self.program = program
        self.clusterConfiguration = clusterConfiguration
        self.environment = environment
    }

    /// Runs `radosgw-admin ARGUMENTS` and decodes its JSON output as `T`.
    public func json<T: Decodable>(_ arguments: [String], secrets: [String] = [], as type: T.Type = T.self) async throws -> T {
        let output = try await run(arguments, secrets: secrets)
        do {
            return try JSONDecoder().decode(T.self, from: output)
        } catch {
            throw RadosGWAdminError(command: display(arguments), status: 0,
                                    message: "unexpected output (\(error)): \(String(decoding: output.prefix(300), as: UTF8.self))")
        }
    }

    /// Runs `radosgw-admin ARGUMENTS` (with `secrets`, options like `--secret=…`, through `CEPH_ARGS`) and returns its
    /// standard output; throws `RadosGWAdminError` when it exits with a failure.
    @discardableResult
    public func run(_ arguments: [String], secrets: [String] = []) async throws -> Data {
        let base = clusterConfiguration.map { ["--conf", $0] } ?? []
        let command: [String]
        var input: [UInt8]?
        if secrets.isEmpty {
            command = commandPrefix + [program] + base + arguments
        } else {
            command = commandPrefix + ["sh", "-c", #"CEPH_ARGS="${CEPH_ARGS:-} $(cat)" exec "$0" "$@""#, program] + base + arguments
            input = Array(secrets.joined(separator: " ").utf8)
        }
        let result: ChildProcess.Outcome
        do {
            result = try await ChildProcess.run(command, environment: environment, input: input)
        } catch let error as ChildProcessError {
            // 127, as a shell reports a command it cannot run.
            throw RadosGWAdminError(command: display(arguments), status: 127, message: error.description)
        }
        guard result.status == 0 else {
            let lines = result.standardError.split(separator: "\n").suffix(4).joined(separator: "; ")
            throw RadosGWAdminError(command: display(arguments), status: result.status, message: lines)
        }
        return Data(result.standardOutput)
    }

    /// Like `json`, but nil when the object does not exist.
    public func jsonIfExists<T: Decodable>(_ arguments: [String], as type: T.Type = T.self) async throws -> T? {
        do {
            return try await json(arguments, as: T.self)
        } catch let error as RadosGWAdminError where error.isNotFound {
            return nil
        }
    }

    private func display(_ arguments: [String]) -> String {
        (commandPrefix + [program] + arguments).joined(separator: " ")
    }
}
