import ArgumentParser
import TandemCore
import TandemEngine

/// `tandem apply [PLANFILE]`: apply a saved plan exactly, or plan, show and ask first.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Make the live objects match the configuration.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions
    @OptionGroup var planning: PlanningOptions

    @Argument(help: "A plan saved with `tandem plan --out FILE`; applied exactly, once.")
    var planFile: String?

    @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation.")
    var autoApprove = false

    @Flag(name: .customLong("refresh-only"), help: "Only accept changes made outside Tandem into the state.")
    var refreshOnly = false

    @Flag(name: .customLong("allow-dirty"), help: "Apply a reviewed plan although the working tree differs from its commit in the stack.")
    var allowDirty = false

    func validate() throws {
        if planFile == nil, allowDirty { throw ValidationError("--allow-dirty goes with a saved plan: tandem apply --allow-dirty PLANFILE.") }
        if planFile != nil, refreshOnly || !planning.targets.isEmpty || !variables.assignments.isEmpty || !variables.files.isEmpty {
            throw ValidationError("A saved plan is applied exactly as planned: --refresh-only, --target, --var and --var-file belong to `tandem plan`.")
        }
    }

    func run() async throws {
        var context = CommandContext(global)
        let configuration = try await context.reportingErrors { try context.loadConfiguration() }
        try await context.reportingErrors {
            try await context.withLock(refreshOnly ? "apply --refresh-only" : "apply") { interrupts in
                let workflow = PlanWorkflow(context: context)
                let saved = try planFile.map(PlanFile.read)
                let values = try saved?.variables ?? context.variables(for: configuration, variables)
                try await workflow.recoverInterruptedCommand(configuration: configuration, variables: values, parallelism: planning.parallelism)
                let plan: Plan
                if let saved {
                    plan = saved
                    try context.check(PlanCommitCheck.check(plan, directory: global.directory, allowDirty: allowDirty))
                    try context.check(PlanFile.checkApplicable(plan, state: try await context.store.read(),
                                                               configurationDigest: Planner.digest(of: configuration)))
                } else {
                    plan = try await workflow.plan(configuration: configuration, variables: values,
                                                   mode: refreshOnly ? .refreshOnly : .normal,
                                                   targets: try context.targets(planning.targets), parallelism: planning.parallelism)
                    PlanRenderer(terminal: context.terminal).write(plan.redacted())
                    guard plan.hasChanges else {
                        // Nothing to change, but what refresh found outside Tandem becomes the new recorded state.
                        if !plan.drift.isEmpty {
                            context.terminal.line("\nRecording the changes made outside Tandem in the state.")
                            try await workflow.apply(plan, configuration: configuration, parallelism: planning.parallelism, interrupts: interrupts)
                        }
                        return
                    }
                    try Confirmation(terminal: context.terminal, autoApprove: autoApprove).require("apply these changes")
                }
                try await workflow.apply(plan, configuration: configuration, parallelism: planning.parallelism, interrupts: interrupts)
            }
        }
    }
}

/// Asks the user to type `yes` before a change, unless approved in advance.
struct Confirmation {
    let terminal: Terminal
    let autoApprove: Bool

    func require(_ what: String) throws {
        guard !autoApprove else { return }
        terminal.line("")
        let answer = terminal.ask("Do you want to \(what)? Only 'yes' is accepted: ")
        guard answer == "yes" else {
            terminal.line(answer == nil ? "\nNo answer (standard input closed); use --auto-approve in non-interactive runs." : "Cancelled; nothing was changed.")
            throw ExitCode.failure
        }
        terminal.line("")
    }
}
