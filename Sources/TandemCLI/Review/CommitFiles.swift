import GitRepository
import TandemCore
import TandemLanguage

/// The configuration's files as one commit of a repository has them (`tandem review --ref`): no checkout, the working
/// tree untouched. Paths are relative to the repository's root; absolute paths outside it are read from the disk.
struct CommitFiles: ConfigurationFiles {
    let repository: GitRepository
    let commit: GitCommitID

    /// `path` relative to the root, or nil when it is an absolute path outside the repository.
    private func inRepository(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return GitRepository.normalised(path) }
        guard path == repository.root || path.hasPrefix(repository.root + "/") else { return nil }
        return GitRepository.normalised(String(path.dropFirst(repository.root.count)))
    }

    func entries(of directory: String) throws -> [String] {
        guard let relative = inRepository(directory) else { return try LocalConfigurationFiles().entries(of: directory) }
        guard let entries = try repository.entries(of: relative, at: commit) else {
            throw GitError("read \(directory)", message: "commit \(commit.short) has no directory \(relative.isEmpty ? "." : relative)")
        }
        return entries.map(\.name)
    }

    func read(_ path: String, shownAs file: String) -> Result<String, SourceText.Problem>? {
        guard let relative = inRepository(path) else { return LocalConfigurationFiles().read(path, shownAs: file) }
        do {
            guard let data = try repository.contents(of: relative, at: commit) else { return nil }
            return SourceText.decode(data, file: file)
        } catch {
            return .failure(SourceText.Problem(summary: "Cannot read \(file) at commit \(commit.short)", detail: error.description,
                                               range: SourceRange(file: file, line: 1, column: 1)))
        }
    }
}
