import AWSClient
import ChildProcess
import Foundation
import TandemCore
import TandemReplicator

/// `runtime: local`: the replicator runs as `tandem replicator run --config FILE` in the background, detached from
/// the terminal, with its files under `directory/NAME/`: `replicator.json` (mode 0600: it holds credentials),
/// `replicator.pid`, `replicator.log`, and `state/` (push journals, dead-letter files, backfill markers).
struct LocalReplicatorRuntime: ReplicatorRuntime {
    /// Where replicators' directories live (next to the state file).
    let directory: String
    /// The `tandem` executable that runs them.
    let program: String
    /// For `/readyz` and `/status`.
    let transport: AWSTransport

    private func paths(_ name: String) -> (directory: String, configuration: String, pid: String, log: String) {
        let base = (directory as NSString).appendingPathComponent(name)
        return (base, base + "/replicator.json", base + "/replicator.pid", base + "/replicator.log")
    }

    /// The pid-file's process when it is this replicator's and alive.
    private func runningPID(_ name: String) -> pid_t? {
        let files = paths(name)
        guard let text = try? String(contentsOfFile: files.pid, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              ChildProcess.isRunning(pid, commandLineContains: "replicator run --config \(files.configuration)") else { return nil }
        return pid
    }

    func deploy(name: String, configuration: Data, running: Bool, progress: @Sendable (String) -> Void) async throws -> ReplicatorObservation {
        let files = paths(name)
        try FileManager.default.createDirectory(atPath: files.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let old = runningPID(name)
        try AtomicFile.write(configuration, to: files.configuration, mode: 0o600)
        if let old {
            progress("stopping the replicator (pid \(old)) to start it with the new configuration")
            await ChildProcess.stop(old, commandLineContains: files.configuration, grace: .seconds(30))
        }
        if running {
            let loaded = try ReplicatorConfiguration.decode(configuration, path: files.configuration)
            let pid = try await ChildProcess.startDetached([program, "replicator", "run", "--config", files.configuration],
                                                          environment: Self.replicatorEnvironment(), log: files.log)
            try AtomicFile.write(Data("\(pid)\n".utf8), to: files.pid, mode: 0o600)
            progress("started the replicator (pid \(pid)); waiting until it is ready at http://\(loaded.listen)")
            try await waitUntilReady(pid: pid, listen: loaded.listen, marker: files.configuration, log: files.log)
        } else {
            try? FileManager.default.removeItem(atPath: files.pid)
        }
        guard let observed = try await observe(name: name) else { throw LocalReplicatorError("\(files.configuration) disappeared") }
        return observed
    }

    private func waitUntilReady(pid: pid_t, listen: String, marker: String, log: String) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard ChildProcess.isRunning(pid, commandLineContains: marker) else {
                throw LocalReplicatorError("the replicator exited while starting; the end of \(log):\n\(Self.tail(of: log))")
            }
            // Ready means this process answers: another one on the same address (a second replicator given the same
            // listen, which will fail to bind) must not pass for it.
            if let status = await ReplicatorStatusProbe.ask(listen: listen, transport: transport).status, status.pid == pid, status.ready {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        await ChildProcess.stop(pid, commandLineContains: marker, grace: .seconds(5))
        throw LocalReplicatorError("the replicator did not become ready within 60 s (stopped it); the end of \(log):\n\(Self.tail(of: log))")
    }

    func observe(name: String) async throws -> ReplicatorObservation? {
        let files = paths(name)
        guard let data = FileManager.default.contents(atPath: files.configuration) else { return nil }
        // Read back as written (a file from before push secrets has none; checking it would fail the refresh).
        let configuration = try ReplicatorConfiguration.decode(data, path: files.configuration, checked: false)
        var observation = ReplicatorObservation(state: "stopped", configuration: configuration, pid: nil,
                                                configurationPath: files.configuration, logPath: files.log)
        guard let pid = runningPID(name) else { return observation }
        if configuration.pipelines.contains(where: { $0.events.http?.secret.isEmpty == true }) {
            // Runs without a push secret: apply restarts it with one.
            observation.state = "stale"
            return observation
        }
        observation.pid = pid
        guard let status = await ReplicatorStatusProbe.ask(listen: configuration.listen, transport: transport).status, status.pid == pid else {
            observation.state = "unresponsive"
            return observation
        }
        observation.state = status.configurationDigest == configuration.digest ? (status.ready ? "running" : "starting") : "stale"
        return observation
    }

    func status(name: String, listen: String) async -> [ReplicatorStatusAnswer] {
        [await ReplicatorStatusProbe.ask(listen: listen, transport: transport)]
    }

    func remove(name: String, progress: @Sendable (String) -> Void) async throws {
        let files = paths(name)
        if let pid = runningPID(name) {
            progress("stopping the replicator (pid \(pid))")
            await ChildProcess.stop(pid, commandLineContains: files.configuration, grace: .seconds(30))
        }
        try? FileManager.default.removeItem(atPath: files.configuration)
        try? FileManager.default.removeItem(atPath: files.pid)
        // Journaled events not yet handled and dead letters are kept for a later replicator or for inspection.
        let state = files.directory + "/state"
        let kept = ((try? FileManager.default.subpathsOfDirectory(atPath: state)) ?? []).filter { path in
            (path.hasSuffix(".journal") || path.hasSuffix(".dead"))
                && ((try? FileManager.default.attributesOfItem(atPath: state + "/" + path)[.size] as? NSNumber)?.intValue ?? 0) > 0
        }
        if kept.isEmpty {
            try? FileManager.default.removeItem(atPath: files.directory)
        } else {
            progress("kept \(kept.joined(separator: ", ")) under \(state): unfinished or dead-lettered events")
        }
    }

    /// What the replicator inherits: `PATH`, where TLS trust lives (a private CA for an RGW endpoint, `AWS_CA_BUNDLE`)
    /// and the proxy settings; nothing else (no AWS_* credentials of the shell that ran apply).
    static func replicatorEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var passed = ["PATH": environment["PATH"] ?? "/usr/bin:/bin"]
        for name in ["SSL_CERT_FILE", "SSL_CERT_DIR", "AWS_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"] {
            passed[name] = environment[name]
        }
        return passed
    }

    /// The last lines of a log file.
    static func tail(of path: String, lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// The local replicator could not be started, did not become ready, or its files went missing.
struct LocalReplicatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
