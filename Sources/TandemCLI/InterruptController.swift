import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) and SIGTERM into a safe stop while a command holds the state lock.
///
/// Before operations start (planning, the confirmation prompt) an interrupt releases the lock and exits 130.
/// While applying, the first interrupt lets the operations in flight finish and be recorded and starts no new
/// ones; a second one quits at once and leaves the lock for `tandem force-unlock` and the state journal for the next
/// command, which records what was done (see `PlanWorkflow.recoverInterruptedCommand`).
final class InterruptController: @unchecked Sendable {
    private let lock = NSLock()
    private var applying = false
    private var interrupted = false
    private var sources: [DispatchSourceSignal] = []
    private let terminal: Terminal
    private let releaseLock: @Sendable () -> Void

    /// Creates a controller; `releaseLock` runs before exiting when no operation is in flight.
    init(terminal: Terminal, releaseLock: @escaping @Sendable () -> Void) {
        self.terminal = terminal
        self.releaseLock = releaseLock
    }

    /// Starts handling SIGINT and SIGTERM.
    func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in handleSignal() }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default signal handling.
    func uninstall() {
        sources.forEach { $0.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// Marks the start of resource operations.
    func beginApplying() {
        lock.withLock { applying = true }
    }

    /// True once the user asked to stop.
    var isInterrupted: Bool {
        lock.withLock { interrupted }
    }

    private func handleSignal() {
        let (wasApplying, first) = lock.withLock { () -> (Bool, Bool) in
            defer { interrupted = true }
            return (applying, !interrupted)
        }
        if wasApplying && first {
            terminal.errorLine("\nInterrupt received: finishing the operations in flight and recording them in the state; no new operation starts. "
                               + "Press Ctrl-C again to quit at once (what was done stays in the state journal, which the next command records; "
                               + "the state lock then stays: remove it with tandem force-unlock).")
            return
        }
        if !wasApplying { releaseLock() }
        terminal.errorLine("\nInterrupted.")
        exit(130)
    }
}
