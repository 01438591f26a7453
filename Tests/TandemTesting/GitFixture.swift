import ChildProcess
import Foundation

/// A real git repository in a temporary directory, made and changed with the git CLI, as a developer would.
public struct GitFixture: Sendable {
    /// The working tree's root.
    public let root: String

    /// The repository at `root` (made elsewhere, e.g. by `git clone`).
    public init(root: String) {
        self.root = root
    }

    /// A new repository whose first branch is `main`, with a committer identity of its own.
    public static func make() async throws -> GitFixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-git-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let fixture = GitFixture(root: root)
        try await fixture.git("init", "-q", "-b", "main")
        try await fixture.git("config", "user.email", "tests@tandem.invalid")
        try await fixture.git("config", "user.name", "Tandem tests")
        return fixture
    }

    /// Runs `git ARGUMENTS` in the repository; its standard output, trimmed. A failing command throws its stderr.
    @discardableResult
    public func git(_ arguments: String...) async throws -> String {
        // Fixed dates make the same commits get the same hashes on every run (golden files can name them).
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root,
                           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"]
        let outcome = try await ChildProcess.run(["git"] + arguments, environment: environment, workingDirectory: root, timeout: .seconds(60))
        guard outcome.status == 0 else {
            throw GitFixtureError(message: "git \(arguments.joined(separator: " ")): \(outcome.standardError)")
        }
        return String(decoding: outcome.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `files` (path relative to the root: contents), creating directories.
    public func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    /// Writes `files`, stages everything and commits with `message`; the new commit's hash.
    @discardableResult
    public func commit(_ message: String, _ files: [String: String] = [:]) async throws -> String {
        try write(files)
        try await git("add", "-A")
        try await git("commit", "-q", "--allow-empty", "-m", message)
        return try await git("rev-parse", "HEAD")
    }

    /// Removes the repository.
    public func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// A git command of a fixture that failed.
public struct GitFixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
