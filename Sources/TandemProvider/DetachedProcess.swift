import Foundation

/// Starting and stopping a long-running process that outlives the command that started it: its own session (no
/// terminal signals reach it), standard input from /dev/null, output appended to a log file (mode 0600), no other
/// inherited descriptors, and an environment of `PATH`, TLS trust and proxy settings only, so the parent's credentials
/// are not inherited.
enum DetachedProcess {
    /// Starts `program arguments...`; returns its pid.
    static func start(_ program: String, _ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours: an inherited descriptor (Foundation's Process tracks a child by a socket it holds)
        // would make whoever runs tandem wait for the replicator as if it were tandem itself.
        let inherited = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }.filter { $0 > 2 }
        for descriptor in inherited where fcntl(descriptor, F_GETFD) >= 0 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        #if os(Linux)
        // POSIX_SPAWN_SETSID (glibc 2.26+; the header shows it only with _GNU_SOURCE).
        posix_spawnattr_setflags(&attributes, 0x80)
        #endif
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = Self.environment().map { strdup($0) } + [nil]
        defer { (argv + environment).forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, program, &actions, &attributes, argv, environment)
        guard code == 0 else { throw ProcessError("cannot start \(program): \(String(cString: strerror(code)))") }
        return pid
    }

    /// What the process inherits: `PATH`, where TLS trust lives (a private CA for an RGW endpoint, `AWS_CA_BUNDLE`) and the proxy
    /// settings; nothing else (no AWS_* credentials of the shell that ran apply).
    static func environment() -> [String] {
        let environment = ProcessInfo.processInfo.environment
        var passed = ["PATH=" + (environment["PATH"] ?? "/usr/bin:/bin")]
        for name in ["SSL_CERT_FILE", "SSL_CERT_DIR", "AWS_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"] {
            if let value = environment[name] { passed.append("\(name)=\(value)") }
        }
        return passed
    }

    /// True while `pid` is a live process (not a zombie) whose command line contains `marker`: a pid file left by a
    /// dead process whose number was reused never matches.
    static func isRunning(_ pid: pid_t, commandLineContains marker: String) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
            _ = waitpid(pid, nil, WNOHANG)
            return false
        }
        guard let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: commandLine.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self).contains(marker)
    }

    /// SIGTERM, then SIGKILL when the process is still there after `grace`; returns once it is gone.
    static func stop(_ pid: pid_t, commandLineContains marker: String, grace: Duration) async {
        guard isRunning(pid, commandLineContains: marker) else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning(pid, commandLineContains: marker) {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                try? await Task.sleep(for: .milliseconds(100))
                _ = waitpid(pid, nil, WNOHANG)
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// A process could not be started.
struct ProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
