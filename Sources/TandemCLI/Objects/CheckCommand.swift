import ArgumentParser
import Foundation
import TandemCore
import TandemEngine
import TandemReplicator

/// `tandem check SOURCE TARGET`: compares two buckets (or directories of them) by a streaming merge of their
/// listings, with rclone check's semantics and output: `= - + * !` lines (`--combined`), an `ERROR :` line per
/// difference and `NOTICE:` counts on stderr, exit 0 identical, 1 error, 2 differences.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare the objects of two buckets, as rclone check does (exit 0 identical, 1 error, 2 differences).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @OptionGroup var sides: ObjectSideArguments

    @Flag(help: "Compare contents (SHA-256 of both objects, read in 8 MiB ranges) instead of size and ETag.")
    var download = false

    @Flag(name: .customLong("one-way"), help: "Only check that the source's objects are on the target; objects only on the target are not differences.")
    var oneWay = false

    @Option(help: "Where the `= - + * !` line of every object goes (- for standard output).")
    var combined: String = "-"

    @Option(help: "With --download, objects read and hashed at once.")
    var checkers: Int = 8

    func validate() throws {
        if checkers < 1 { throw ValidationError("--checkers takes a positive number.") }
    }

    func run() async throws {
        var context = CommandContext(global)
        let findings = try await context.reportingErrors { () async throws -> ReplicaAudit.Findings in
            let remotes = try sides.remotes()
            for remote in [remotes.0, remotes.1] where remote.bucket.isEmpty {
                throw Diagnostic.error("\"\(remote)\" names no bucket", detail: "tandem check compares one bucket (or directory) with another.")
            }
            let locations = try await ObjectRemote.locations(remotes, context: &context, variables: variables)
            let output = try CombinedOutput(path: combined)
            defer { output.close() }
            let terminal = context.terminal, oneWay = self.oneWay, target = sides.target, source = sides.source
            let audit = ReplicaAudit(source: try ObjectStoreClients.side(locations.0, environment: context.environment),
                                     target: try ObjectStoreClients.side(locations.1, environment: context.environment),
                                     grace: .zero, checksum: download, checkers: checkers)
            let findings = try await audit.run { verdict, key in
                if verdict == .extra, oneWay { return }
                output.write("\(verdict.rcloneMark) \(key)")
                switch verdict {
                case .identical, .sizeOnly: break
                case .missing, .pending: terminal.errorLine("ERROR : \(key): file not in \(target)")
                case .extra: terminal.errorLine("ERROR : \(key): file not in \(source)")
                case .different: terminal.errorLine("ERROR : \(key): \(download ? "contents" : "sizes or hashes") differ")
                }
            }
            let differences = findings.missing + findings.pending + findings.different + (oneWay ? 0 : findings.extra)
            if !oneWay { terminal.errorLine("NOTICE: \(source): \(findings.extra) files missing") }
            terminal.errorLine("NOTICE: \(target): \(findings.missing + findings.pending) files missing")
            terminal.errorLine("NOTICE: \(target): \(differences) differences found")
            if findings.sizeOnly > 0 { terminal.errorLine("NOTICE: \(target): \(findings.sizeOnly) hashes could not be checked (multipart ETags; --download compares contents)") }
            terminal.errorLine("NOTICE: \(target): \(findings.checked - findings.missing - findings.pending - findings.different) matching files")
            return findings
        }
        let differences = findings.missing + findings.pending + findings.different + (oneWay ? 0 : findings.extra)
        if differences > 0 { throw ExitCode(2) }
    }
}

extension ReplicaAudit.Verdict {
    /// rclone check's mark: `=` equal, `+` only on the source, `-` only on the target, `*` different.
    var rcloneMark: String {
        switch self {
        case .identical, .sizeOnly: return "="
        case .missing, .pending: return "+"
        case .extra: return "-"
        case .different: return "*"
        }
    }
}

/// The `--combined` lines: standard output, or a file written as the comparison goes (in 64 KiB writes).
final class CombinedOutput: @unchecked Sendable {
    private let handle: FileHandle
    private let ownsHandle: Bool
    private let lock = NSLock()
    private var pending = Data()

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
            ownsHandle = false
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw Diagnostic.error("Cannot write \(path)", detail: "--combined names a file to create or replace.")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            ownsHandle = true
        }
    }

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        pending.append(contentsOf: line.utf8)
        pending.append(0x0A)
        if pending.count >= 64 << 10 { flush() }
    }

    /// Writes what is pending, and closes a file.
    func close() {
        lock.withLock { flush() }
        if ownsHandle { try? handle.close() }
    }

    private func flush() {
        handle.write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
