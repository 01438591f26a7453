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

    @Flag(help: "Also compare the objects of every replication the state manages (replicator pipelines, S3 replication rules): missing, extra, different.")
    var data = false

    @Flag(help: "With --data: compare contents by SHA-256 (reads both objects) instead of size and ETag.")
    var checksum = false

    @Option(help: "With --data: check N source keys chosen at random instead of all (extra target objects are then not looked for).")
    var sample: Int?

    @Option(help: "With --data: objects written less than this long ago are pending, not missing (e.g. 30s, 5m, 1h).")
    var grace: String = "5m"

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 0 no drift, 1 error, 2 drift: the default, accepted so CI scripts written for plan work unchanged.")
    var detailedExitCode = false

    @Flag(name: .customLong("succeed-on-drift"), help: "Exit 0 when drift is found (errors still exit 1): for scheduled jobs that report drift through --prometheus, not as a failed run.")
    var succeedOnDrift = false

    /// The machine-readable drift report (rendered from the redacted plan, so it holds no secret).
    struct Report: Encodable {
        var drifted: Bool
        /// Live objects that differ from the last applied state.
        var changedOutside: [ResourceDrift]
        /// Changes apply would make to match the configuration.
        var configurationDifferences: [ResourceChange]
        /// With `--data`: each replication's comparison of its objects.
        var data: [DataDriftResult]?

        enum CodingKeys: String, CodingKey {
            case drifted, data
            case changedOutside = "changed_outside"
            case configurationDifferences = "configuration_differences"
        }
    }

    func validate() throws {
        if detailedExitCode, succeedOnDrift { throw ValidationError("--detailed-exitcode exits 2 on drift; --succeed-on-drift exits 0: choose one.") }
        if !data, checksum || sample != nil { throw ValidationError("--checksum and --sample go with --data.") }
        if let sample, sample < 1 { throw ValidationError("--sample takes a positive number of keys.") }
        if DurationText.parse(grace) == nil { throw ValidationError("--grace takes a duration such as 30s, 5m or 1h, got \(grace).") }
    }

    func run() async throws {
        var context = CommandContext(global)
        let started = ContinuousClock.now
        let checked: (report: Report, resources: Int)
        do {
            checked = try await context.reportingErrors {
                let configuration = try context.loadConfiguration()
                let values = try context.variables(for: configuration, variables)
                let full = try await PlanWorkflow(context: context).plan(configuration: configuration, variables: values, mode: .normal,
                                                                         targets: [], parallelism: 10)
                let plan = full.redacted()
                let differences = plan.resourceChanges.filter { $0.action != .noop }
                var report = Report(drifted: !plan.drift.isEmpty || !differences.isEmpty, changedOutside: plan.drift, configurationDifferences: differences)
                if data {
                    let sessions = context.sessions(configuration, variables: values)
                    let check = DataDriftCheck(grace: DurationText.parse(grace) ?? .seconds(300), checksum: checksum, sample: sample, environment: context.environment)
                    let results = await check.run(state: try await context.store.read(), plan: full, sessions: sessions) { context.terminal.errorLine($0) }
                    await sessions.shutdown()
                    report.data = results
                    report.drifted = report.drifted || results.contains(where: \.drifted)
                }
                if json {
                    try PlanJSON.write(report, to: context.terminal)
                } else if markdown {
                    context.terminal.text(DriftMarkdownRenderer().render(report))
                } else if !logLines {
                    render(report, plan: plan, terminal: context.terminal)
                }
                // Every result is shown first; a replication that could not be compared then fails the check.
                try context.check(Diagnostics((report.data ?? []).filter { $0.status == .failed }.map {
                    .error("Cannot compare the objects of \($0.address) \($0.replication)", detail: $0.reason)
                }))
                return (report, plan.resourceChanges.count)
            }
        } catch {
            try writeTextfile(nil, checked: 0, duration: started.duration(to: .now), context: context)
            throw error
        }
        let duration = started.duration(to: .now)
        if logLines {
            printLogLines(checked.report, checked: checked.resources, duration: duration, terminal: context.terminal)
            printDataLogLines(checked.report.data ?? [], terminal: context.terminal)
        }
        try writeTextfile(checked.report, checked: checked.resources, duration: duration, context: context)
        if checked.report.drifted, !succeedOnDrift { throw ExitCode(2) }
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
            + (data ? textfile.renderData(report?.data ?? []) : "")
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

    /// `--log-lines --data`: one line per replication compared.
    private func printDataLogLines(_ results: [DataDriftResult], terminal: Terminal) {
        for result in results {
            var line = "drift-data stack=\(stack) workspace=\(global.workspace) address=\(result.address) replication=\"\(result.replication)\" status=\(result.status.rawValue)"
            if let findings = result.findings {
                line += " checked=\(findings.checked) missing=\(findings.missing) extra=\(findings.extra) different=\(findings.different) pending=\(findings.pending)"
                    + (findings.sampled ? " sampled=true" : "")
            }
            terminal.line(line)
        }
    }

    private func render(_ report: Report, plan: Plan, terminal: Terminal) {
        if let results = report.data { DataDriftRenderer(terminal: terminal).render(results).forEach { terminal.line($0) } }
        guard report.drifted else {
            terminal.line(terminal.styled("No drift.", .green) + " The live objects match the state and the configuration"
                          + (report.data == nil ? "." : ", and the replicas hold their sources' objects."))
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
