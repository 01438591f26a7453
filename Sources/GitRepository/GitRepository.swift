import CGit2
import Foundation

/// A git repository opened through libgit2: commits resolved by revision, merge bases, the files of a commit's tree,
/// what changed between two commits, and how the working tree differs from a commit. One libgit2 handle, used by
/// one caller at a time (calls are serialised).
public final class GitRepository: @unchecked Sendable {
    /// Largest blob read into memory (the configuration reader's own bound is lower).
    public static let maximumBlobBytes = 64 * 1024 * 1024

    private let handle: OpaquePointer
    private let lock = NSLock()
    /// The working tree's root, without a trailing slash (the repository is not bare).
    public let root: String

    private static let initialised: Void = { _ = git_libgit2_init() }()

    /// Opens the repository holding `path` (a directory inside its working tree; parent directories are searched).
    public init(discovering path: String) throws(GitError) {
        Self.initialised
        var repository: OpaquePointer?
        try check("open the git repository at \(path)", git_repository_open_ext(&repository, path, 0, nil))
        guard let repository else { throw GitError("open the git repository at \(path)", message: "no repository") }
        guard let workdir = git_repository_workdir(repository) else {
            git_repository_free(repository)
            throw GitError("open the git repository at \(path)", message: "the repository is bare; Tandem needs a working tree")
        }
        handle = repository
        var directory = String(cString: workdir)
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        root = directory
    }

    deinit { git_repository_free(handle) }

    /// Runs `body` with the handle, one caller at a time.
    func locked<T>(_ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        lock.lock()
        defer { lock.unlock() }
        git_error_clear()
        return try body(handle)
    }

    /// The commit `revision` names (`HEAD`, a branch, a tag, `origin/main`, a hash, `HEAD~2`, ...).
    public func commit(_ revision: String) throws(GitError) -> GitCommitID {
        try locked { repository throws(GitError) in try Self.commit(revision, in: repository) }
    }

    /// The commit `revision` names, or nil when it names nothing.
    public func commitIfPresent(_ revision: String) throws(GitError) -> GitCommitID? {
        try locked { repository throws(GitError) -> GitCommitID? in
            var object: OpaquePointer?
            let code = git_revparse_single(&object, repository, revision)
            if code == GIT_ENOTFOUND.rawValue || code == GIT_EAMBIGUOUS.rawValue || code == GIT_EINVALIDSPEC.rawValue { return nil }
            try check("resolve \(revision)", code)
            git_object_free(object)
            return try Self.commit(revision, in: repository)
        }
    }

    private static func commit(_ revision: String, in repository: OpaquePointer) throws(GitError) -> GitCommitID {
        var object: OpaquePointer?
        try check("resolve \(revision)", git_revparse_single(&object, repository, revision))
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try check("resolve \(revision) to a commit", git_object_peel(&peeled, object, GIT_OBJECT_COMMIT))
        defer { git_object_free(peeled) }
        return GitCommitID(git_object_id(peeled).pointee)
    }

    /// The best common ancestor of two commits; nil when they share no history.
    public func mergeBase(_ one: GitCommitID, _ two: GitCommitID) throws(GitError) -> GitCommitID? {
        try locked { repository throws(GitError) -> GitCommitID? in
            var base = git_oid()
            var first = one.oid, second = two.oid
            let code = git_merge_base(&base, repository, &first, &second)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try check("find the merge base of \(one.short) and \(two.short)", code)
            return GitCommitID(base)
        }
    }

    /// The commit's tree, for the duration of `body`.
    func withTree<T>(of commit: GitCommitID, in repository: OpaquePointer, _ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        var oid = commit.oid
        var object: OpaquePointer?
        try check("read commit \(commit.short)", git_commit_lookup(&object, repository, &oid))
        defer { git_commit_free(object) }
        var tree: OpaquePointer?
        try check("read the tree of commit \(commit.short)", git_commit_tree(&tree, object))
        defer { git_tree_free(tree) }
        return try body(tree!)
    }
}

/// A commit's object id.
public struct GitCommitID: Hashable, Sendable, CustomStringConvertible {
    /// The 40 hexadecimal digits.
    public let hex: String

    init(_ oid: git_oid) {
        var copy = oid
        var buffer = [CChar](repeating: 0, count: 40)
        git_oid_fmt(&buffer, &copy)
        hex = String(decoding: buffer.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Parses 40 hexadecimal digits; nil otherwise.
    public init?(hex: String) {
        guard hex.count == 40, hex.allSatisfy(\.isHexDigit) else { return nil }
        self.hex = hex.lowercased()
    }

    /// The first 12 digits, for messages.
    public var short: String { String(hex.prefix(12)) }
    /// The hexadecimal digits.
    public var description: String { hex }

    var oid: git_oid {
        var oid = git_oid()
        _ = git_oid_fromstr(&oid, hex)
        return oid
    }
}
