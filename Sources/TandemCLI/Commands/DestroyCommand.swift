import ArgumentParser
import TandemEngine

/// `tandem destroy`: delete every managed resource, in reverse dependency order.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "destroy", abstract: "Delete every resource Tandem manages in this workspace.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions
    @OptionGroup var planning: PlanningOptions

    @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation.")
    var autoApprove = false

    func run() async throws {
        var context = CommandContext(global)
        let configuration = try await context.reportingErrors { try context.loadConfiguration() }
        try await context.reportingErrors {
            try await context.withLock("destroy") { interrupts in
                let workflow = PlanWorkflow(context: context)
                let values = try context.variables(for: configuration, variables)
                try await workflow.recoverInterruptedCommand(configuration: configuration, variables: values, parallelism: planning.parallelism)
                let plan = try await workflow.plan(configuration: configuration, variables: values, mode: .destroy,
                                                   targets: try context.targets(planning.targets), parallelism: planning.parallelism)
                PlanRenderer(terminal: context.terminal).write(plan.redacted())
                guard plan.hasChanges else { return }
                try Confirmation(terminal: context.terminal, autoApprove: autoApprove).require("delete these resources")
                try await workflow.apply(plan, configuration: configuration, parallelism: planning.parallelism, interrupts: interrupts)
            }
        }
    }
}
