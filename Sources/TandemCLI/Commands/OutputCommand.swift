import ArgumentParser
import TandemCore
import TandemEngine

/// `tandem output [NAME]`: output values from the state.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "output", abstract: "Print output values from the state.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "One output's name; its value is printed even when sensitive.")
    var name: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print a string output without quotes (for scripts).")
    var raw = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.reportingErrors {
            let outputs = try await context.store.read()?.outputs ?? [:]
            if let name {
                guard let output = outputs[name] else {
                    throw Diagnostic.error("No output named \"\(name)\"",
                                           detail: "Outputs in the state: \(outputs.keys.sorted().joined(separator: ", ")).\(Suggestions.didYouMean(name, in: outputs.keys))")
                }
                if raw, let text = output.value.asTemplateString {
                    context.terminal.line(text)
                } else {
                    context.terminal.line(json ? try output.value.canonicalJSON() : ValueFormatter.format(output.value))
                }
                return
            }
            if json {
                let masked = outputs.mapValues { $0.sensitive ? Plan.sensitiveMarker : $0.value }
                try PlanJSON.write(masked, to: context.terminal)
            } else {
                for (name, output) in outputs.sorted(by: { $0.key < $1.key }) {
                    context.terminal.line("\(name) = \(output.sensitive ? ValueFormatter.format(Plan.sensitiveMarker) : ValueFormatter.format(output.value))")
                }
            }
        }
    }
}

