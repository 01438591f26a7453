import ArgumentParser
import Foundation
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

    @Option(help: "Also write node-exporter textfile metrics to FILE, atomically (drifted resources by kind and type, resources checked, success, last success time, duration).")
    var prometheus: String?

    @Flag(help: "Print one key=value line per drifted resource and a summary line, for logs.")
    var logLines = false

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
        let started = ContinuousClock.now
        let checked: (report: Report, resources: Int)
        do {
            checked = try await context.reportingErrors {
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
                } else if !logLines {
                    render(report, plan: plan, terminal: context.terminal)
                }
                return (report, plan.resourceChanges.count)
            }
        } catch {
            try writeTextfile(nil, checked: 0, duration: started.duration(to: .now), context: context)
            throw error
        }
        let duration = started.duration(to: .now)
        if logLines { printLogLines(checked.report, checked: checked.resources, duration: duration, terminal: context.terminal) }
        try writeTextfile(checked.report, checked: checked.resources, duration: duration, context: context)
        if checked.report.drifted { throw ExitCode(2) }
    }

    /// The stack's name (its directory's) for labels and log lines.
    private var stack: String {
        URL(fileURLWithPath: global.directory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardized.lastPathComponent
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `--prometheus FILE`: the textfile, replaced atomically (mode 0644: node-exporter reads it; it holds no secret).
    private func writeTextfile(_ report: Report?, checked: Int, duration: Duration, context: CommandContext) throws {
        guard let prometheus else { return }
        let textfile = DriftTextfile(stack: stack, workspace: global.workspace)
        let drifted = report.map { DriftTextfile.drifted(changedOutside: $0.changedOutside, differences: $0.configurationDifferences) } ?? []
        let text = textfile.render(drifted: drifted, checked: checked, succeeded: report != nil, duration: Self.seconds(duration), now: Date(),
                                   previous: try? String(contentsOfFile: prometheus, encoding: .utf8))
        do {
            try AtomicFile.write(Data(text.utf8), to: prometheus, mode: 0o644)
        } catch {
            context.terminal.errorLine("Cannot write \(prometheus): \(error)")
            throw ExitCode.failure
        }
    }

    /// `--log-lines`: `drift stack=... address=... kind=... attributes=...` per drifted resource, then a summary.
    private func printLogLines(_ report: Report, checked: Int, duration: Duration, terminal: Terminal) {
        let common = "stack=\(stack) workspace=\(global.workspace)"
        for drift in report.changedOutside {
            let attributes = drift.attributeChanges.map(\.path).joined(separator: ",")
            terminal.line("drift \(common) address=\(drift.address) type=\(drift.address.type) kind=\(drift.kind == .deleted ? "deleted_outside" : "changed_outside")"
                          + (attributes.isEmpty ? "" : " attributes=\(attributes)"))
        }
        let configurationOnly = DriftTextfile.configurationOnly(report.configurationDifferences, changedOutside: report.changedOutside)
        for change in configurationOnly {
            let attributes = change.attributeChanges.map(\.path).joined(separator: ",")
            terminal.line("drift \(common) address=\(change.address) type=\(change.address.type) kind=differs_from_configuration action=\(change.action.rawValue)"
                          + (attributes.isEmpty ? "" : " attributes=\(attributes)"))
        }
        terminal.line("drift-summary \(common) checked=\(checked) drifted=\(report.changedOutside.count + configurationOnly.count) "
                      + "duration_seconds=\(String(format: "%.3f", Self.seconds(duration)))")
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
