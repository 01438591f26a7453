import ArgumentParser
import Foundation
import TandemCore
import TandemEngine
import TandemLanguage

/// `tandem plan`: refresh, diff, print; optionally save the plan.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Show what apply would change.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions
    @OptionGroup var planning: PlanningOptions

    @Option(name: .customLong("out"), help: "Save the plan to FILE for `tandem apply FILE` (mode 0600).")
    var outputFile: String?

    @Flag(help: "Print the plan as versioned JSON (sensitive values masked).")
    var json = false

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 0 with no changes, 1 on error, 2 with changes.")
    var detailedExitCode = false

    @Flag(name: .customLong("refresh-only"), help: "Only show changes made outside Tandem.")
    var refreshOnly = false

    @Flag(help: "Plan to delete every managed resource.")
    var destroy = false

    func validate() throws {
        if destroy && refreshOnly { throw ValidationError("--destroy and --refresh-only cannot be combined.") }
    }

    func run() async throws {
        var context = CommandContext(global)
        let plan = try await context.reportingErrors {
            let configuration = try context.loadConfiguration()
            let values = try context.variables(for: configuration, variables)
            let mode: PlanMode = destroy ? .destroy : (refreshOnly ? .refreshOnly : .normal)
            let workflow = PlanWorkflow(context: context)
            if try await workflow.needsRecovery() {
                try await context.withLock("plan (recording an interrupted command)") { _ in
                    try await workflow.recoverInterruptedCommand(configuration: configuration, variables: values, parallelism: planning.parallelism)
                }
            }
            let plan = try await workflow.plan(
                configuration: configuration, variables: values, mode: mode,
                targets: try context.targets(planning.targets), parallelism: planning.parallelism)
            if json {
                try PlanJSON.write(plan.redacted(), to: context.terminal)
            } else {
                let shown = plan.redacted()
                PlanRenderer(terminal: context.terminal).write(shown)
                KeptUntilExit.keep(shown)
            }
            if let outputFile {
                try PlanFile.write(plan, to: outputFile)
                if !json { context.terminal.line("\nSaved the plan to \(outputFile). Apply it with: tandem apply \(outputFile)") }
            }
            KeptUntilExit.keep(plan)
            return plan
        }
        if detailedExitCode && plan.hasChanges { throw ExitCode(2) }
    }
}

/// The `--json` output of plans, states and reports.
enum PlanJSON {
    /// Writes `value` to stdout as indented JSON with sorted keys, streamed member by member (`StreamedJSON`): output
    /// starts at once, and a large plan is never held as one document. An error while encoding (a number JSON cannot
    /// hold) can leave a truncated document before the command fails with it.
    static func write<T: Encodable & Sendable>(_ value: T, to terminal: Terminal) throws {
        var output = ChunkedOutput(terminal: terminal)
        try StreamedJSON().write(value, to: &output)
        output.flush()
    }
}
