import CGit2
import Foundation

/// One entry of a directory in a commit's tree.
public struct GitTreeEntry: Hashable, Sendable {
    /// The entry's name (no slash).
    public var name: String
    /// True for a directory (a subtree).
    public var isDirectory: Bool
}

extension GitRepository {
    /// Every file path (blobs, relative to the root, `/`-separated) in the commit's tree, sorted.
    public func files(at commit: GitCommitID) throws(GitError) -> [String] {
        try locked { repository throws(GitError) in
            try withTree(of: commit, in: repository) { tree throws(GitError) in
                var paths: [String] = []
                try Self.collect(tree, prefix: "", in: repository, into: &paths)
                return paths.sorted()
            }
        }
    }

    private static func collect(_ tree: OpaquePointer, prefix: String, in repository: OpaquePointer, into paths: inout [String]) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            let entry = git_tree_entry_byindex(tree, index)
            let name = prefix + String(cString: git_tree_entry_name(entry))
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_BLOB:
                paths.append(name)
            case GIT_OBJECT_TREE:
                var subtree: OpaquePointer?
                try check("read directory \(name)", git_tree_lookup(&subtree, repository, git_tree_entry_id(entry)))
                defer { git_tree_free(subtree) }
                try collect(subtree!, prefix: name + "/", in: repository, into: &paths)
            default:
                continue // submodules
            }
        }
    }

    /// The entries of `directory` (relative to the root; "" or "." for the root) in the commit; nil when the commit
    /// has no such directory.
    public func entries(of directory: String, at commit: GitCommitID) throws(GitError) -> [GitTreeEntry]? {
        try locked { repository throws(GitError) -> [GitTreeEntry]? in
            try withTree(of: commit, in: repository) { root throws(GitError) -> [GitTreeEntry]? in
                let path = Self.normalised(directory)
                var tree: OpaquePointer? = root
                var owned: OpaquePointer?
                defer { if owned != nil { git_tree_free(owned) } }
                if !path.isEmpty {
                    var entry: OpaquePointer?
                    guard git_tree_entry_bypath(&entry, root, path) == 0 else { return nil }
                    defer { git_tree_entry_free(entry) }
                    guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
                    try check("read directory \(path)", git_tree_lookup(&owned, repository, git_tree_entry_id(entry)))
                    tree = owned
                }
                return (0..<git_tree_entrycount(tree)).map { index in
                    let entry = git_tree_entry_byindex(tree, index)
                    return GitTreeEntry(name: String(cString: git_tree_entry_name(entry)), isDirectory: git_tree_entry_type(entry) == GIT_OBJECT_TREE)
                }
            }
        }
    }

    /// The contents of the file at `path` in the commit; nil when there is no such file. Files larger than
    /// `maximumBlobBytes` are refused.
    public func contents(of path: String, at commit: GitCommitID) throws(GitError) -> Data? {
        try locked { repository throws(GitError) -> Data? in
            try withTree(of: commit, in: repository) { root throws(GitError) -> Data? in
                let normalised = Self.normalised(path)
                var entry: OpaquePointer?
                guard !normalised.isEmpty, git_tree_entry_bypath(&entry, root, normalised) == 0 else { return nil }
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
                guard git_tree_entry_filemode(entry) != GIT_FILEMODE_LINK else {
                    throw GitError("read \(normalised) at \(commit.short)", message: "it is a symbolic link; files are read from the commit as stored, and links are not followed")
                }
                var blob: OpaquePointer?
                try check("read \(normalised) at \(commit.short)", git_blob_lookup(&blob, repository, git_tree_entry_id(entry)))
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                guard size <= Self.maximumBlobBytes else {
                    throw GitError("read \(normalised) at \(commit.short)", message: "\(size) bytes is more than the \(Self.maximumBlobBytes / 1024 / 1024) MiB Tandem reads")
                }
                guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
                return Data(bytes: bytes, count: size)
            }
        }
    }

    /// `path` relative to the root with `.` and `..` resolved and no leading or trailing slash ("" for the root);
    /// a path leaving the root keeps its leading `..` (and names nothing in a tree).
    public static func normalised(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }
}
