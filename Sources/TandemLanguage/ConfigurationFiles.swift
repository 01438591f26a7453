import Foundation

/// Where the configuration's files come from: the local disk, or a commit of a git repository (`tandem review
/// --ref`), so the same loader and `file()` read either.
public protocol ConfigurationFiles: Sendable {
    /// The names in `directory`; throws a readable reason when it is not a readable directory.
    func entries(of directory: String) throws -> [String]
    /// The text of the file at `path` (shown as `file` in messages), or why it is unusable; nil when there is no
    /// file at `path`.
    func read(_ path: String, shownAs file: String) -> Result<String, SourceText.Problem>?
}

/// The configuration's files on the local disk.
public struct LocalConfigurationFiles: ConfigurationFiles {
    /// Creates the reader.
    public init() {}

    public func entries(of directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
    }

    public func read(_ path: String, shownAs file: String) -> Result<String, SourceText.Problem>? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return SourceText.read(path: path, file: file)
    }
}
