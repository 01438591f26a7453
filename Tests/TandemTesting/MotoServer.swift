import AWSClient
import Foundation

/// One local moto server (an AWS emulator) per test process, started on first use through
/// `scripts/moto-server` and stopped by that script's watcher when the process exits.
///
/// moto keeps all state in one process, so tests that need a clean slate should run inside
/// ``withFreshState(_:)``: it takes a process-wide turn, resets moto, and runs the body, so
/// suites in different test targets cannot wipe each other's resources.
///
/// Set `TANDEM_MOTO_ENDPOINT=http://127.0.0.1:PORT` to use a server that is already running.
public actor MotoServer {
    /// The base URL, for example `http://127.0.0.1:50321`.
    public nonisolated let endpoint: String
    /// The process id of the server, or `nil` for a server given by `TANDEM_MOTO_ENDPOINT`.
    public nonisolated let processID: Int32?
    /// A transport for tests to share. It lives as long as the process and is never shut down.
    public nonisolated let transport: AWSTransport

    /// One test at a time uses moto (each starts from a reset).
    private nonisolated let turns = AsyncLock()

    private static let launch = Task<MotoServer, any Error> { try await MotoServer.start(keepingConnections: false) }

    private init(endpoint: String, processID: Int32?) {
        self.endpoint = endpoint
        self.processID = processID
        self.transport = AWSTransport(requestTimeout: .seconds(30))
    }

    /// The server of this test process, started on the first call. Throws ``MotoServerError``
    /// when moto cannot be started; tests should fail then, never skip.
    public static func shared() async throws -> MotoServer {
        try await launch.value
    }

    /// Deletes every resource in moto (`POST /moto-api/reset`).
    public func reset() async throws {
        let response = try await transport.sendUnsigned(method: "POST", url: endpoint + "/moto-api/reset")
        guard response.statusCode == 200 else {
            throw MotoServerError("POST /moto-api/reset answered \(response.statusCode)")
        }
    }

    /// A configuration for this server: dummy credentials `testing`/`testing`, region `af-south-1` by default.
    public nonisolated func configuration(region: String = "af-south-1") -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: region,
            credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
            endpointOverride: endpoint,
            environment: [:])
    }

    /// Waits for exclusive use of moto, resets it, runs `body`, and gives the turn to the next waiter.
    public nonisolated func withFreshState<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await turns.run {
            try await reset()
            return try await body()
        }
    }

    // MARK: Starting

    /// Starts a server of its own (not the shared one), stopped when this process exits. With `keepingConnections`,
    /// moto is served by waitress, which keeps connections open as AWS does (moto's own server closes each after one
    /// response): for benchmarks, whose client would otherwise be measured reconnecting.
    public static func start(keepingConnections: Bool) async throws -> MotoServer {
        if let endpoint = ProcessInfo.processInfo.environment["TANDEM_MOTO_ENDPOINT"], !endpoint.isEmpty {
            return MotoServer(endpoint: endpoint, processID: nil)
        }
        let script = TestScript.repositoryRoot.appendingPathComponent("scripts/moto-server")
        let runDirectory = try await TestScript.runDirectory(prefix: "tandem-moto-")
        let stderrFile = runDirectory.appendingPathComponent("moto-server.stderr")

        let arguments = [
            script.path, "start",
            "--run-dir", runDirectory.path,
            "--watch-pid", String(ProcessInfo.processInfo.processIdentifier),
        ] + (keepingConnections ? ["--keep-alive"] : [])
        let (printed, status): (String, Int32)
        do {
            (printed, status) = try await TestScript.run("/bin/bash", arguments: arguments, stderr: stderrFile)
        } catch {
            throw MotoServerError("\(error)")
        }
        let fields = printed.split(whereSeparator: \.isWhitespace)
        guard status == 0, fields.count == 2, let port = Int(fields[0]), let pid = Int32(fields[1]) else {
            let detail = TestScript.tail(stderrFile)
            throw MotoServerError("scripts/moto-server exited with status \(status)\(detail.isEmpty ? "" : ":\n" + detail)")
        }
        return MotoServer(endpoint: "http://127.0.0.1:\(port)", processID: pid)
    }
}

/// moto could not be started or used.
public struct MotoServerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let detail: String

    init(_ detail: String) {
        self.detail = detail
    }

    /// "moto could not be started: <detail>; run scripts/moto-server by hand to see why".
    public var description: String {
        "moto could not be started: \(detail)\nrun scripts/moto-server by hand to see why"
    }
}
