import CGit2
import Foundation

/// A file changed between two commits (renames detected: both paths are set).
public struct GitChange: Hashable, Sendable {
    /// What happened to the file.
    public enum Kind: String, Sendable {
        case added, deleted, modified, renamed, other
    }

    /// The path before (nil when added).
    public var oldPath: String?
    /// The path after (nil when deleted).
    public var newPath: String?
    /// What happened.
    public var kind: Kind

    /// Creates a change.
    public init(oldPath: String?, newPath: String?, kind: Kind) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.kind = kind
    }

    /// Both paths, once each.
    public var paths: [String] { Array(Set([oldPath, newPath].compactMap { $0 })).sorted() }
}

extension GitRepository {
    /// The files that differ between the trees of `base` and `head`, renames paired up.
    public func changes(from base: GitCommitID, to head: GitCommitID) throws(GitError) -> [GitChange] {
        try locked { repository throws(GitError) in
            try withTree(of: base, in: repository) { old throws(GitError) in
                try withTree(of: head, in: repository) { new throws(GitError) in
                    var options = git_diff_options()
                    git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
                    var diff: OpaquePointer?
                    try check("compare \(base.short) with \(head.short)", git_diff_tree_to_tree(&diff, repository, old, new, &options))
                    defer { git_diff_free(diff) }
                    var find = git_diff_find_options()
                    git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
                    find.flags = GIT_DIFF_FIND_RENAMES.rawValue
                    try check("find renames between \(base.short) and \(head.short)", git_diff_find_similar(diff, &find))
                    return Self.deltas(of: diff!).map(\.change)
                }
            }
        }
    }

    /// The paths under `pathspecs` (files or directories relative to the root; nil for the whole tree) where the
    /// working tree (index included) differs from the commit's tree; untracked files count only when `counts(path)` says so.
    public func workingTreeChanges(against commit: GitCommitID, pathspecs: [String]?,
                                   untrackedCounts counts: (String) -> Bool) throws(GitError) -> [String] {
        if let pathspecs, pathspecs.isEmpty { return [] }
        return try locked { repository throws(GitError) in
            try withTree(of: commit, in: repository) { tree throws(GitError) in
                var options = git_diff_options()
                git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
                options.flags = GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
                    | GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
                // Directories as prefixes: with pathspec matching disabled, libgit2 compares by path prefix.
                let specs = (pathspecs ?? []).map { strdup($0) }
                defer { specs.forEach { free($0) } }
                var diff: OpaquePointer?
                let code = specs.withUnsafeBufferPointer { buffer -> Int32 in
                    if !buffer.isEmpty { options.pathspec = git_strarray(strings: UnsafeMutablePointer(mutating: buffer.baseAddress), count: buffer.count) }
                    return git_diff_tree_to_workdir_with_index(&diff, repository, tree, &options)
                }
                try check("compare the working tree with \(commit.short)", code)
                defer { git_diff_free(diff) }
                return Self.deltas(of: diff!).compactMap { delta in
                    guard let path = delta.change.newPath ?? delta.change.oldPath else { return nil }
                    return delta.status == GIT_DELTA_UNTRACKED && !counts(path) ? nil : path
                }
            }
        }
    }

    private static func deltas(of diff: OpaquePointer) -> [(change: GitChange, status: git_delta_t)] {
        (0..<git_diff_num_deltas(diff)).compactMap { index in
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { return nil }
            let old = delta.old_file.path.map { String(cString: $0) }
            let new = delta.new_file.path.map { String(cString: $0) }
            let change: GitChange
            switch delta.status {
            case GIT_DELTA_ADDED, GIT_DELTA_UNTRACKED: change = GitChange(oldPath: nil, newPath: new, kind: .added)
            case GIT_DELTA_DELETED: change = GitChange(oldPath: old, newPath: nil, kind: .deleted)
            case GIT_DELTA_MODIFIED: change = GitChange(oldPath: old, newPath: new, kind: .modified)
            case GIT_DELTA_RENAMED: change = GitChange(oldPath: old, newPath: new, kind: .renamed)
            default: change = GitChange(oldPath: old, newPath: new, kind: .other)
            }
            return (change, delta.status)
        }
    }
}
