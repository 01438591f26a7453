import ArgumentParser
import Foundation
import GitRepository
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState

/// `tandem review`: plans every stack a change affects, read from the commit (no checkout, no lock held), and writes
/// `review.md`, `review.json` and one saved plan per stack, stamped with the commit, for `tandem apply PLANFILE`.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Plan the stacks a change affects and write review.md, review.json and saved plans (exit 0, 1 error, 2 changes with --detailed-exitcode).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @Option(help: "Compare against the merge base of the head with REV (default: origin/main, main or master).")
    var base: String?

    @Option(help: "The commit to plan, read straight from the repository without a checkout (default: HEAD).")
    var ref: String = "HEAD"

    @Option(name: .customLong("out"), help: "Directory for review.md, review.json and plans/ (created; mode 0700).")
    var outputDirectory: String = "review"

    @Flag(help: "Plan every stack, not only the affected ones.")
    var all = false

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when some stack has changes.")
    var detailedExitCode = false

    @Option(help: "How many resource operations run at once in each plan.")
    var parallelism: Int = 10

    /// Where `--base` falls back to, in order.
    static let defaultBases = ["origin/main", "main", "master"]

    func run() async throws {
        let context = CommandContext(global)
        let report = try await context.reportingErrors { () async throws -> ReviewReport in
            let repository = try GitRepository(discovering: global.directory)
            let head = try repository.commit(ref)
            let baseCommit = try mergeBase(repository, head: head)
            let changes = try repository.changes(from: baseCommit, to: head)
            let headStacks = try StackDiscovery(repository: repository, commit: head).stacks()
            let baseStacks = try StackDiscovery(repository: repository, commit: baseCommit).stacks()
            var (affected, removed) = AffectedStacks.find(changes: changes, base: baseStacks, head: headStacks)
            if all {
                let found = Set(affected.map(\.stack.path))
                affected += headStacks.filter { !found.contains($0.path) }.map { AffectedStack(stack: $0, reasons: ["--all"], renamedFrom: nil) }
                affected.sort { $0.stack.path < $1.stack.path }
            }
            context.terminal.errorLine("Reviewing \(head.short) (\(ref)) against \(baseCommit.short): \(affected.count) stack(s) affected.")
            try ReviewOutput.prepare(outputDirectory)
            var stacks: [StackReview] = []
            for stack in affected {
                stacks.append(await review(stack, repository: repository, head: head))
            }
            var report = ReviewReport(base: baseCommit.hex, head: head.hex, headRef: ref, stacks: stacks,
                                      removedStacks: removed.map { RemovedStack(path: $0.path, renamedTo: $0.renamedTo) })
            let parts = ReviewMarkdownRenderer().render(report)
            report.markdownParts = try ReviewOutput.writeMarkdown(parts, to: outputDirectory)
            try ReviewOutput.writeJSON(report, to: outputDirectory)
            context.terminal.line(parts.count == 1 ? "Wrote \(outputDirectory)/review.md and review.json."
                                                   : "Wrote \(parts.count) Markdown parts (\(report.markdownParts.joined(separator: ", "))) and review.json to \(outputDirectory)/.")
            return report
        }
        if report.hasFailures { throw ExitCode.failure }
        if detailedExitCode && report.hasChanges { throw ExitCode(2) }
    }

    /// The merge base of `head` with `--base`, or with the first default base that exists.
    private func mergeBase(_ repository: GitRepository, head: GitCommitID) throws -> GitCommitID {
        let target: GitCommitID
        if let base {
            target = try repository.commit(base)
        } else {
            guard let found = try Self.defaultBases.lazy.compactMap({ try repository.commitIfPresent($0) }).first else {
                throw Diagnostic.error("No base to compare with", detail: "None of \(Self.defaultBases.joined(separator: ", ")) exists here; name one with --base REV.")
            }
            target = found
        }
        guard let merged = try repository.mergeBase(head, target) else {
            throw Diagnostic.error("\(ref) and \(base ?? "the base") share no history", detail: "Name a base that is an ancestor of \(ref) with --base.")
        }
        return merged
    }

    /// Plans one stack from the commit, read-only: its state is read, never locked or written.
    private func review(_ affected: AffectedStack, repository: GitRepository, head: GitCommitID) async -> StackReview {
        let path = affected.stack.path
        var review = StackReview(path: path, reasons: affected.reasons, renamedFrom: affected.renamedFrom, status: .failed)
        var options = global
        options.directory = path == "." ? repository.root : repository.root + "/" + path
        options.statePath = nil
        var context = CommandContext(options, files: CommitFiles(repository: repository, commit: head), configurationDirectory: path)
        context.terminal.errorLine("\(path): planning (\(affected.reasons.first ?? ""))")
        do {
            try await context.reportingErrors {
                do {
                    let configuration = try context.loadConfiguration()
                    let values = try context.variables(for: configuration, variables)
                    let workflow = PlanWorkflow(context: context)
                    if try await workflow.needsRecovery() {
                        review.messages.append("An interrupted command left operations to record in this stack's state; the plan does not include them. Run tandem plan for the stack to record them.")
                    }
                    var plan = try await workflow.plan(configuration: configuration, variables: values, mode: .normal, targets: [], parallelism: parallelism)
                    plan.stamp.commit = head.hex
                    plan.stamp.stack = path
                    let file = ReviewOutput.planFile(for: path)
                    try PlanFile.write(plan, to: (outputDirectory as NSString).appendingPathComponent(file))
                    let redacted = plan.redacted()
                    review.status = .planned
                    review.planFile = file
                    review.risks = redacted.risks
                    review.driftCount = redacted.drift.count
                    for action in [ChangeAction.create, .update, .replace, .delete] {
                        review.counts[action.rawValue] = (redacted.resourceChanges + redacted.deposedDeletes).filter { $0.action == action }.count
                    }
                    review.planText = PlanRenderer(terminal: Terminal(noColor: true)).render(redacted)
                } catch {
                    review.messages += ReviewOutput.describe(error, diagnostics: affected.stack.diagnostics)
                    throw error
                }
            }
        } catch {
            // Printed by reportingErrors; the review records it and goes on with the other stacks.
        }
        return review
    }
}
