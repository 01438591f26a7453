import ArgumentParser

/// `tandem force-unlock ID`: remove a stale lock left by an interrupted run.
struct ForceUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "force-unlock", abstract: "Remove a stale state lock.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The lock ID shown when a command found the state locked.")
    var lockID: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.reportingErrors {
            if let holder = try await context.store.currentLock(), holder.id == lockID {
                context.terminal.line("Removing lock \(holder.id): \(holder.operation) by \(holder.who), pid \(holder.pid), since \(holder.created).")
            }
            try await context.store.forceUnlock(id: lockID)
            context.terminal.line("The state is unlocked.")
        }
    }
}
