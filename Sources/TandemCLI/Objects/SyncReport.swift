import Foundation
import TandemReplicator

/// What `tandem sync` shows of an ``ObjectSync``: progress on stderr (``SyncProgress``), one summary line per pair
/// on stdout, a dry run's `+ * -` lines and a cutover's `= + - *` lines on stdout, notices on stderr.
final class SyncReport: @unchecked Sendable {
    private let terminal: Terminal
    private let phase: ObjectSync.Phase
    private let dryRun: Bool
    private let wholeStore: Bool
    private let lock = NSLock()
    private var progress: SyncProgress?
    private var wouldCopy = 0, wouldDelete = 0

    init(terminal: Terminal, phase: ObjectSync.Phase, dryRun: Bool, wholeStore: Bool) {
        self.terminal = terminal
        self.phase = phase
        self.dryRun = dryRun
        self.wholeStore = wholeStore
    }

    /// Shows one event.
    @Sendable func tell(_ event: ObjectSync.Event) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .buckets(let names):
            terminal.errorLine("Syncing \(names.count) buckets: \(names.joined(separator: ", "))")
        case .createdBucket(let bucket, let tags, let policy):
            terminal.errorLine("\(bucket): created on the target with the source's versioning, \(tags) tags\(policy ? " and policy" : "")")
        case .missingBucket(let bucket):
            terminal.errorLine("\(bucket): the target has no such bucket" + (dryRun ? " (--create-buckets would make it)" : "; --create-buckets makes it"))
        case .started(let source, _, let objects, let bytes):
            if wholeStore { terminal.errorLine("== \(source)") }
            progress = SyncProgress(terminal: terminal, label: source, phase: phase.rawValue, objects: objects, bytes: bytes)
        case .progress(let summary):
            progress?.update(summary)
        case .copied(let source, let target, let summary):
            progress?.finish(summary)
            progress = nil
            terminal.line("Synced \(source) to \(target): \(summary.examined) objects examined, \(summary.copied) copied "
                          + "(\(summary.bytes) bytes), \(summary.alreadyCurrent) already there, \(summary.failed) failed.")
        case .verdict(let verdict, let key):
            terminal.line(dryRun ? preview(verdict, key) : "\(verdict.rcloneMark) \(key)")
        case .deleted(let count):
            terminal.line("Deleted \(count) objects the source does not have.")
        case .notice(let text):
            if let progress { progress.message(text) } else { terminal.errorLine(text) }
        }
    }

    /// A dry run's line for a key that would change, counted for the summary.
    private func preview(_ verdict: ReplicaAudit.Verdict, _ key: String) -> String {
        if verdict == .extra {
            wouldDelete += 1
            return "- \(key)"
        }
        wouldCopy += 1
        return verdict == .different ? "* \(key)" : "+ \(key)"
    }

    /// The closing line of a dry run.
    func finish(_ outcome: ObjectSync.Outcome) {
        guard dryRun else { return }
        lock.withLock {
            terminal.errorLine("Would copy \(wouldCopy) objects" + (wouldDelete > 0 ? " and delete \(wouldDelete)" : "") + "; nothing was changed.")
        }
    }
}
