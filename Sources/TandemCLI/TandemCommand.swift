import ArgumentParser
#if canImport(Glibc)
import CMalloc
#endif
import TandemReplicator

/// The `tandem` command line.
public struct TandemCommand: AsyncParsableCommand {
    /// The command tree.
    public static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Declarative object-storage replication and disaster recovery.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self,
            ShowCommand.self, OutputCommand.self, StateCommand.self, ForceUnlockCommand.self, DriftCommand.self,
            GraphCommand.self, FmtCommand.self, ImportCommand.self, ReplicatorCommand.self, ReviewCommand.self, CheckCommand.self, SyncCommand.self,
            MigrationCommand.self,
        ])

    /// Creates the root command (argument-parser needs it).
    public init() {}

    /// What must happen before any task runs: `tandem replicator run` and `backfill` move Swift's tasks onto NIO's
    /// event loops (`EventLoopExecutor`). Call first thing in `main`, on the main thread.
    public static func prepare(arguments: [String]) {
        if runsOnEventLoops(arguments) { EventLoopExecutor.install() }
    }

    /// True for `tandem replicator run` and `tandem replicator backfill` (written that way: anything else keeps Swift's
    /// own pool, which is only slower for them).
    static func runsOnEventLoops(_ arguments: [String]) -> Bool {
        let command = Array(arguments.dropFirst().prefix(2))
        return command == ["replicator", "run"] || command == ["replicator", "backfill"]
    }

    /// Parses the command line, runs the chosen command and exits with its code (the executable's whole job).
    public static func start() async {
        #if canImport(Glibc)
        // Buffers of 1 MiB and more (copy parts, response bodies) are mapped and returned to the system when freed;
        // glibc's default threshold rises after the first large free, and parts then stay behind in its heaps (a
        // streamed 1 GiB copy peaked 18 MiB higher).
        mallopt(M_MMAP_THRESHOLD, 1 << 20)
        #endif
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
