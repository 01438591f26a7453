import ArgumentParser
import TandemCore
import TandemEngine
import TandemState

/// `tandem show [PLANFILE]`: the state, or a saved plan, for humans or as JSON.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the state or a saved plan.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A saved plan file; without it the state is shown.")
    var planFile: String?

    @Flag(help: "Print JSON (sensitive values masked).")
    var json = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.reportingErrors {
            if let planFile {
                let plan = try PlanFile.read(planFile).redacted()
                if json {
                    try PlanJSON.write(plan, to: context.terminal)
                } else {
                    PlanRenderer(terminal: context.terminal).write(plan)
                }
                return
            }
            guard let state = try await context.store.read() else {
                context.terminal.line("No state at \(context.store.location).")
                return
            }
            let masked = StateMasking(registry: context.registry).mask(state)
            if json {
                try PlanJSON.write(masked, to: context.terminal)
                return
            }
            for resource in masked.resources {
                context.terminal.line(StateMasking.render(resource, terminal: context.terminal))
                context.terminal.line("")
            }
            OutputPrinter(terminal: context.terminal).printAll(masked.outputs)
        }
    }
}

/// Masks sensitive attributes and outputs of a state before it is shown.
struct StateMasking {
    let registry: ProviderRegistry

    func mask(_ state: StateFile) -> StateFile {
        var copy = state
        copy.resources = state.resources.map(mask)
        copy.outputs = state.outputs.mapValues { $0.sensitive ? OutputState(value: Plan.sensitiveMarker, sensitive: true) : $0 }
        return copy
    }

    func mask(_ resource: ResourceState) -> ResourceState {
        var copy = resource
        let paths = (registry.schema(for: resource.address.type)?.sensitivePaths ?? []).union(resource.sensitiveAttributes)
        copy.attributes = Plan.mask(resource.attributes, paths: paths)
        return copy
    }

    static func render(_ resource: ResourceState, terminal: Terminal) -> String {
        var lines = [terminal.styled("# \(resource.address):", .bold)]
        let attributes = resource.attributes.mapValue ?? [:]
        let width = attributes.keys.map(\.count).max() ?? 0
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) where value != .null {
            lines.append("    \(name.padding(toLength: width, withPad: " ", startingAt: 0)) = \(ValueFormatter.format(value))")
        }
        return lines.joined(separator: "\n")
    }
}
