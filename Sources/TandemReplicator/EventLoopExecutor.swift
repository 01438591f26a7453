import NIOCore
import NIOPosix
import Synchronization

/// Swift's tasks on NIO's event loops instead of a pool of their own: a task that sends a request, or answers one,
/// then runs on the threads that serve the sockets, rather than waking a pool thread and an event loop in turn at
/// every step (a fifth less CPU per copied object, a tenth less per event). For `tandem replicator run` and `backfill`
/// only: their blocking work runs on threads of its own (the journal's group-committed writes and fsyncs, Kafka's
/// polls and dead-letter sends). What still blocks a loop is short and rare: the journal's progress mark, emptying an
/// idle journal (two fsyncs per MiB of events), a dead letter's fsync, and the Kafka consumer's last commit at shutdown.
public enum EventLoopExecutor {
    private static let installed = Atomic<Bool>(false)

    /// True once `install` succeeded in this process (the replicator says so when it starts).
    public static var isInstalled: Bool { installed.load(ordering: .relaxed) }

    /// Installs NIO's singleton event loops as the global executor; call once, from the main thread, before any task
    /// runs. False when this platform or Swift version does not allow it (tasks then keep their pool).
    @discardableResult
    public static func install() -> Bool {
        let done = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        if done { installed.store(true, ordering: .relaxed) }
        return done
    }
}
