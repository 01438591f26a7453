import TandemCore
import TandemEngine
import TandemState

/// Prints output values; sensitive ones are masked unless asked for by name.
struct OutputPrinter {
    let terminal: Terminal

    func printAll(_ outputs: [String: OutputState]) {
        guard !outputs.isEmpty else { return }
        terminal.line("")
        terminal.line("Outputs:")
        terminal.line("")
        for (name, output) in outputs.sorted(by: { $0.key < $1.key }) {
            terminal.line("\(name) = \(output.sensitive ? ValueFormatter.format(Plan.sensitiveMarker) : ValueFormatter.format(output.value))")
        }
    }
}
