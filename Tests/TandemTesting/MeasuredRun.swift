import ChildProcess
import Foundation

/// One run of a program as the benchmarks measure it: wall time, CPU time (user + system, from the kernel's
/// accounting of waited-for children), peak resident memory (VmHWM) and the peak of its anonymous part (RssAnon: the
/// heap and buffers, without the pages of the binary and its shared libraries), sampled every 20 ms.
public struct MeasuredRun: Sendable {
    /// Wall-clock seconds from start to exit.
    public var seconds: Double
    /// User plus system CPU seconds of the program (and any children it waited for).
    public var cpuSeconds: Double
    /// Peak resident memory in MiB.
    public var peakMiB: Int
    /// Peak anonymous resident memory (RssAnon) in MiB.
    public var peakAnonymousMiB: Int
    /// The exit status.
    public var status: Int32
    /// Standard output, then standard error.
    public var output: String

    /// Runs `program` with `arguments` and measures it. Run one measured program at a time: CPU time is the
    /// difference of this process's children's accounting before and after.
    public static func of(_ program: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> MeasuredRun {
        let cpuBefore = childrenCPUSeconds()
        let start = ContinuousClock.now
        let (peaks, outcome) = try await ChildProcess.withRunning([program] + arguments, environment: environment) { child in
            var peak = 0, anonymous = 0
            while !child.hasExited {
                if let status = try? String(contentsOfFile: "/proc/\(child.processID)/status", encoding: .utf8) {
                    let kib = { (field: String) in
                        status.split(separator: "\n").first { $0.hasPrefix(field) }.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
                    }
                    peak = max(peak, kib("VmHWM:"))
                    anonymous = max(anonymous, kib("RssAnon:"))
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return (peak, anonymous)
        }
        let elapsed = ContinuousClock.now - start
        return MeasuredRun(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                           cpuSeconds: childrenCPUSeconds() - cpuBefore, peakMiB: peaks.0 / 1024, peakAnonymousMiB: peaks.1 / 1024, status: outcome.status,
                           output: String(decoding: outcome.standardOutput, as: UTF8.self) + outcome.standardError)
    }

    /// User plus system seconds of every child this process has waited for.
    private static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Debian's rclone (`apt-get install rclone`), its remotes defined in the environment so no secret is on its command line.
public struct Rclone: Sendable {
    /// One `[NAME]` section: an S3 remote.
    public struct Remote: Sendable {
        /// `NAME` of `NAME:bucket`; its rclone provider (Ceph, Other), endpoint URL and keys.
        public var name: String, provider: String, endpoint: String, accessKey: String, secretKey: String

        /// Creates a remote named `name` (rclone's `NAME:`).
        public init(name: String, provider: String, endpoint: String, accessKey: String, secretKey: String) {
            (self.name, self.provider, self.endpoint, self.accessKey, self.secretKey) = (name, provider, endpoint, accessKey, secretKey)
        }
    }

    /// The program.
    public let path: String
    let environment: [String: String]

    /// rclone with `remotes`, or nil when it is not installed.
    public init?(remotes: [Remote]) {
        guard let path = ["/usr/bin/rclone", "/usr/local/bin/rclone"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        self.path = path
        // AWS_* settings of this shell (a CA bundle, a profile) must not change what rclone talks to.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("RCLONE_") }
        for remote in remotes {
            let section = "RCLONE_CONFIG_\(remote.name.uppercased())_"
            environment[section + "TYPE"] = "s3"
            environment[section + "PROVIDER"] = remote.provider
            environment[section + "ENDPOINT"] = remote.endpoint
            environment[section + "ACCESS_KEY_ID"] = remote.accessKey
            environment[section + "SECRET_ACCESS_KEY"] = remote.secretKey
            environment[section + "LIST_VERSION"] = "2"
        }
        self.environment = environment
    }

    /// `rclone ARGUMENTS`, measured.
    public func run(_ arguments: [String]) async throws -> MeasuredRun {
        try await MeasuredRun.of(path, arguments, environment: environment)
    }
}
