import ArgumentParser
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState

/// Plans and applies with the context's providers and state store, shared by plan, apply, destroy and drift.
struct PlanWorkflow {
    let context: CommandContext

    /// True when a command was killed (or a create failed) and left operations or creates to settle first
    /// (`recoverInterruptedCommand`); that takes the lock.
    func needsRecovery() async throws -> Bool {
        if try await context.store.hasJournal() { return true }
        return !(try await context.store.read()?.pendingCreates.isEmpty ?? true)
    }

    /// Under the caller's lock: writes the journal a killed command left into the state, then adopts the objects its
    /// unfinished creates left (see `PendingCreates`), so nothing an interrupted apply created is forgotten.
    func recoverInterruptedCommand(configuration: Configuration, variables: [String: Value], parallelism: Int) async throws {
        let replayed = try await context.store.hasJournal()
        guard var state = try await context.store.read() else { return }
        if replayed {
            context.terminal.errorLine("An earlier command was interrupted; recorded the operations its journal holds in the state.")
        }
        if !state.pendingCreates.isEmpty {
            let sessions = context.sessions(configuration, variables: variables)
            let (adopted, outcome) = await PendingCreates.adopt(state, sessions: sessions, parallelism: parallelism)
            await sessions.shutdown()
            state = adopted
            for address in outcome.adopted {
                context.terminal.errorLine("\(address): recorded the object an interrupted create left (the plan below finishes or deletes it).")
            }
            try await context.store.write(state)
            try context.check(outcome.diagnostics)
        } else if replayed {
            try await context.store.write(state)
        }
    }

    /// Reads the state and plans against it.
    func plan(configuration: Configuration, variables: [String: Value], mode: PlanMode,
              targets: [ResourceAddress], parallelism: Int) async throws -> Plan {
        let state = try await context.store.read()
        let sessions = context.sessions(configuration, variables: variables)
        let plan: Plan
        do {
            plan = try await Planner(registry: context.registry, sessions: sessions).plan(
                PlanRequest(configuration: configuration, variables: variables, state: state, mode: mode,
                            targets: targets, parallelism: parallelism))
        } catch {
            await sessions.shutdown()
            throw error
        }
        await sessions.shutdown()
        try context.check(Diagnostics(plan.warnings))
        return plan
    }

    /// Applies a plan under the caller's lock, printing progress and a final table; throws exit 1 when something failed.
    func apply(_ plan: Plan, configuration: Configuration, parallelism: Int, interrupts: InterruptController) async throws {
        let terminal = context.terminal
        let sessions = context.sessions(configuration, variables: plan.variables)
        let recorder = StateRecorder(state: try await context.store.read(), store: context.store)
        let ticker = ProgressTicker(terminal: terminal)
        interrupts.beginApplying()
        let hooks = ApplyHooks(
            willApply: { address, action in
                terminal.line("\(address): \(ApplyProgressText.starting(action))...")
                ticker.start(address, verb: ApplyProgressText.starting(action).lowercased())
            },
            progress: { address, message in
                terminal.line("\(address): \(message)")
            },
            didApply: { address, action, seconds, error in
                ticker.stop(address)
                let elapsed = String(format: "%.1fs", seconds)
                if error == nil {
                    terminal.line("\(address): \(ApplyProgressText.finished(action)) after \(elapsed)")
                } else {
                    terminal.line(terminal.styled("\(address): \(ApplyProgressText.starting(action)) failed after \(elapsed)", .red))
                }
            },
            isCancelled: { interrupts.isInterrupted })
        let result = await Applier(registry: context.registry, sessions: sessions)
            .apply(plan, configuration: configuration, recorder: recorder, parallelism: parallelism, hooks: hooks)
        await sessions.shutdown()
        terminal.line("")
        if result.succeeded {
            let counts = result.outcomes.reduce(into: [ChangeAction: Int]()) { $0[$1.action, default: 0] += 1 }
            if plan.mode == .destroy {
                terminal.line(terminal.styled("Destroy complete!", .green) + " Resources: \(counts[.delete] ?? 0) destroyed.")
            } else {
                terminal.line(terminal.styled("Apply complete!", .green) + " Resources: \(counts[.create] ?? 0) created, \(counts[.update] ?? 0) updated, "
                              + "\(counts[.replace] ?? 0) replaced, \(counts[.delete] ?? 0) deleted.")
            }
            OutputPrinter(terminal: terminal).printAll(result.state.outputs)
        } else {
            terminal.line(terminal.styled(plan.mode == .destroy ? "Destroy failed." : "Apply failed.", .red) + " The state records everything that was applied.")
            terminal.line("")
            let width = result.outcomes.map { $0.address.description.count }.max() ?? 0
            for row in result.outcomes {
                let style: Terminal.Style = row.outcome == .applied ? .green : (row.outcome == .failed ? .red : .yellow)
                terminal.line("  \(row.address.description.padding(toLength: width, withPad: " ", startingAt: 0))  \(row.action.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(terminal.styled(row.outcome.rawValue, style))")
            }
            terminal.line("")
            if interrupts.isInterrupted {
                DiagnosticRenderer(sources: context.sources, terminal: terminal).emit(result.diagnostics)
                throw ExitCode(130)
            }
            try context.check(result.diagnostics)
        }
    }
}

/// Progress wording per action.
enum ApplyProgressText {
    static func starting(_ action: ChangeAction) -> String {
        switch action {
        case .create: return "Creating"
        case .update: return "Updating"
        case .replace: return "Replacing"
        case .delete: return "Deleting"
        case .noop: return "Checking"
        }
    }

    static func finished(_ action: ChangeAction) -> String {
        switch action {
        case .create: return "Created"
        case .update: return "Updated"
        case .replace: return "Replaced"
        case .delete: return "Deleted"
        case .noop: return "Checked"
        }
    }
}
