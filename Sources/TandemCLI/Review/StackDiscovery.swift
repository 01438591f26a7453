import Foundation
import GitRepository
import TandemCore
import TandemLanguage

/// A stack of one commit: a directory with `*.tandem.yaml` files that no configuration calls as a module, with what
/// its configuration reads (its modules' directories, transitively, and the files of `file()` / `templatefile()`).
struct Stack: Sendable {
    /// The directory relative to the repository's root ("." for the root).
    let path: String
    /// The configuration as loaded from the commit (nil when nothing could be read).
    let configuration: Configuration?
    /// What loading it reported.
    let diagnostics: Diagnostics
    /// Its directory and every module directory it calls, relative to the root.
    let configurationDirectories: Set<String>
    /// Files read by constant path, relative to the root.
    let readFiles: Set<String>
    /// Directories where a computed path may read any file.
    let computedReadDirectories: Set<String>

    /// Why `change` affects the stack, or nil when it does not.
    func reason(for path: String) -> String? {
        let directory = Self.directory(of: path)
        if path.hasSuffix(".tandem.yaml"), configurationDirectories.contains(directory) {
            return directory == self.path ? "\(path) changed" : "module \(directory) changed (\(path))"
        }
        if readFiles.contains(path) { return "reads \(path), which changed" }
        if let computed = computedReadDirectories.first(where: { $0 == "." || path.hasPrefix($0 + "/") }) {
            return "\(path) changed in \(computed), where a computed file() path may read it"
        }
        return nil
    }

    /// The directories and files the stack's configuration can read, for the working tree check of `apply PLANFILE`;
    /// nil (the whole tree) when one is the root, which libgit2 cannot take as a pathspec. Changes found there still
    /// count only when `reason(for:)` names one.
    var dependencyPathspecs: [String]? {
        let paths = Array(configurationDirectories) + readFiles + computedReadDirectories
        return paths.contains(".") ? nil : paths.filter { !$0.hasPrefix("/") }
    }

    /// The directory part of a root-relative path ("." for a file at the root).
    static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}

/// Finds the stacks of a commit.
struct StackDiscovery {
    let repository: GitRepository
    let commit: GitCommitID

    /// Every stack of the commit, sorted by path.
    func stacks() throws -> [Stack] {
        let files = CommitFiles(repository: repository, commit: commit)
        let directories = Set(try repository.files(at: commit).filter { path in
            path.hasSuffix(".tandem.yaml") && !path.split(separator: "/").contains { $0.hasPrefix(".") }
        }.map(Stack.directory(of:)))
        var loaded: [String: (Configuration?, Diagnostics)] = [:]
        for directory in directories {
            loaded[directory] = ConfigurationLoader.load(directory: directory, files: files)
        }
        let modules = Set(loaded.values.flatMap { configuration, _ in
            (configuration?.moduleDirectories.dropFirst() ?? []).map(Self.relative)
        })
        return directories.subtracting(modules).sorted().map { directory in
            let (configuration, diagnostics) = loaded[directory]!
            return Self.stack(directory, configuration: configuration, diagnostics: diagnostics)
        }
    }

    /// The stack at `path` (relative to the root) as the commit has it.
    func stack(at path: String) -> Stack {
        let (configuration, diagnostics) = ConfigurationLoader.load(directory: path, files: CommitFiles(repository: repository, commit: commit))
        return Self.stack(path, configuration: configuration, diagnostics: diagnostics)
    }

    private static func stack(_ directory: String, configuration: Configuration?, diagnostics: Diagnostics) -> Stack {
        let reads = configuration?.fileReads ?? FileReads()
        return Stack(path: directory, configuration: configuration, diagnostics: diagnostics,
                     configurationDirectories: Set((configuration?.moduleDirectories ?? [directory]).map(relative)),
                     readFiles: Set(reads.paths.map(relative)),
                     computedReadDirectories: Set(reads.computedIn.map(relative)))
    }

    /// A loader path as a root-relative path ("." for the root); an absolute path (outside what a commit holds) stays as it is.
    static func relative(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let normalised = GitRepository.normalised(path)
        return normalised.isEmpty ? "." : normalised
    }
}

/// A stack the change affects, and why.
struct AffectedStack: Sendable {
    let stack: Stack
    /// One line per reason (a changed file, a changed module, a changed file it reads, a rename).
    let reasons: [String]
    /// The stack's path at the base, when it was renamed.
    let renamedFrom: String?
}

/// Which stacks a change between two commits affects.
struct AffectedStacks {
    /// Stacks of `head` affected by `changes`, and stacks of `base` that no longer exist at `head` (with where they moved).
    static func find(changes: [GitChange], base: [Stack], head: [Stack]) -> (affected: [AffectedStack], removed: [(path: String, renamedTo: String?)]) {
        let changedPaths = Set(changes.flatMap(\.paths))
        let headPaths = Set(head.map(\.path))
        var renamedTo: [String: String] = [:]
        for change in changes where change.kind == .renamed {
            guard let old = change.oldPath, let new = change.newPath, old.hasSuffix(".tandem.yaml") else { continue }
            let from = Stack.directory(of: old), to = Stack.directory(of: new)
            if from != to { renamedTo[from] = to }
        }
        let removed = base.filter { !headPaths.contains($0.path) }.map { (path: $0.path, renamedTo: renamedTo[$0.path].flatMap { headPaths.contains($0) ? $0 : nil }) }
        let renamedFrom = Dictionary(removed.compactMap { entry in entry.renamedTo.map { ($0, entry.path) } }) { first, _ in first }
        let affected = head.compactMap { stack -> AffectedStack? in
            var reasons = changedPaths.sorted().compactMap(stack.reason(for:))
            if let from = renamedFrom[stack.path] { reasons.insert("renamed from \(from)", at: 0) }
            return reasons.isEmpty ? nil : AffectedStack(stack: stack, reasons: reasons, renamedFrom: renamedFrom[stack.path])
        }
        return (affected, removed)
    }
}
