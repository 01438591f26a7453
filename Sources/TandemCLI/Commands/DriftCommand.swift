import ArgumentParser
import TandemCore
import TandemEngine

/// `tandem drift`: what changed outside Tandem, and what differs from the configuration. Exit 0 none, 1 error, 2 drift.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drift", abstract: "Report drift from the last applied state and from the configuration (exit 2 on drift).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Print the report as Markdown (for issues and pull-request comments).")
    var markdown = false

    /// The machine-readable drift report (rendered from the redacted plan, so it holds no secret).
    struct Report: Encodable {
        var drifted: Bool
        /// Live objects that differ from the last applied state.
        var changedOutside: [ResourceDrift]
        /// Changes apply would make to match the configuration.
        var configurationDifferences: [ResourceChange]

        enum CodingKeys: String, CodingKey {
            case drifted
            case changedOutside = "changed_outside"
            case configurationDifferences = "configuration_differences"
        }
    }

    func run() async throws {
        var context = CommandContext(global)
        let report = try await context.reportingErrors {
            let configuration = try context.loadConfiguration()
            let values = try context.variables(for: configuration, variables)
            let plan = try await PlanWorkflow(context: context).plan(configuration: configuration, variables: values, mode: .normal,
                                                                     targets: [], parallelism: 10).redacted()
            let differences = plan.resourceChanges.filter { $0.action != .noop }
            let report = Report(drifted: !plan.drift.isEmpty || !differences.isEmpty, changedOutside: plan.drift, configurationDifferences: differences)
            if json {
                context.terminal.line(try PlanJSON.encode(report))
            } else if markdown {
                context.terminal.text(DriftMarkdownRenderer().render(report))
            } else {
                render(report, plan: plan, terminal: context.terminal)
            }
            return report
        }
        if report.drifted { throw ExitCode(2) }
    }

    private func render(_ report: Report, plan: Plan, terminal: Terminal) {
        guard report.drifted else {
            terminal.line(terminal.styled("No drift.", .green) + " The live objects match the state and the configuration.")
            return
        }
        let renderer = PlanRenderer(terminal: terminal)
        terminal.line(terminal.styled("Drift detected.", .red))
        if !report.changedOutside.isEmpty {
            terminal.line("")
            terminal.line(terminal.styled("Changed outside Tandem (live vs last applied state):", .bold))
            renderer.renderDrift(report.changedOutside).forEach { terminal.line($0) }
        }
        if !report.configurationDifferences.isEmpty {
            var configurationOnly = plan
            configurationOnly.drift = []
            terminal.line("")
            terminal.line(terminal.styled("Differs from the configuration (tandem apply would do this):", .bold))
            terminal.line(renderer.render(configurationOnly))
        }
    }
}
