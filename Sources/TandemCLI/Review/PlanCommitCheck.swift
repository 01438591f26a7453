import Foundation
import GitRepository
import TandemCore
import TandemEngine

/// The checks `tandem apply PLANFILE` adds for a plan `tandem review` made from a commit: the commit checked out is
/// that commit, the directory is the plan's stack, and (unless allowed) the working tree does not differ from the
/// commit in any file the stack's configuration reads.
enum PlanCommitCheck {
    /// Errors when the plan must not be applied here; none for a plan not stamped with a commit.
    static func check(_ plan: Plan, directory: String, allowDirty: Bool) -> Diagnostics {
        guard let stamped = plan.stamp.commit else { return Diagnostics() }
        var diagnostics = Diagnostics()
        guard let commit = GitCommitID(hex: stamped) else {
            diagnostics.append(.error("The plan names no valid commit", detail: "Its stamp says commit \"\(stamped)\", which is not 40 hexadecimal digits: the file was edited. Review again."))
            return diagnostics
        }
        let again = "Check out that commit, or review the change again and apply the new plan."
        do {
            let repository = try GitRepository(discovering: directory)
            let head = try repository.commit("HEAD")
            guard head == commit else {
                diagnostics.append(.error("The plan was made from another commit",
                                          detail: "It was planned from \(commit.short); \(head.short) is checked out. \(again)"))
                return diagnostics
            }
            let absolute = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardized.resolvingSymlinksInPath().path
            let root = URL(fileURLWithPath: repository.root).resolvingSymlinksInPath().path
            guard absolute == root || absolute.hasPrefix(root + "/") else {
                diagnostics.append(.error("The directory is outside the repository", detail: "\(absolute) is not inside \(root), where the plan's commit is."))
                return diagnostics
            }
            let here = StackDiscovery.relative(absolute == root ? "." : String(absolute.dropFirst(root.count + 1)))
            if let stack = plan.stamp.stack, stack != here {
                diagnostics.append(.error("The plan is for another stack", detail: "It plans \(stack); this directory is \(here). Run apply with --dir \(stack)."))
                return diagnostics
            }
            guard !allowDirty else { return diagnostics }
            let stack = StackDiscovery(repository: repository, commit: commit).stack(at: here)
            let dirty = try repository.workingTreeChanges(against: commit, pathspecs: stack.dependencyPathspecs) { path in
                path.hasSuffix(".tandem.yaml") || stack.readFiles.contains(path)
            }.filter { stack.reason(for: $0) != nil }
            if !dirty.isEmpty {
                let listed = dirty.sorted().prefix(10).joined(separator: ", ") + (dirty.count > 10 ? ", and \(dirty.count - 10) more" : "")
                diagnostics.append(.error("The working tree differs from the plan's commit",
                                          detail: "\(listed) changed since \(commit.short), which the plan was made from. Commit or discard the changes, or pass --allow-dirty."))
            }
        } catch {
            diagnostics.append(.error("Cannot check the plan's commit", detail: "The plan was made from commit \(commit.short) (tandem review): \(error)"))
        }
        return diagnostics
    }
}
