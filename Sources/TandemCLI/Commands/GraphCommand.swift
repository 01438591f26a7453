import ArgumentParser
import TandemEngine

extension GraphExport.Format: ExpressibleByArgument {}

/// `tandem graph`: the dependency graph in DOT (default) or Mermaid.
struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Print the resource dependency graph (DOT or Mermaid).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "dot or mermaid.")
    var format: GraphExport.Format = .dot

    func run() async throws {
        var context = CommandContext(global)
        try await context.reportingErrors {
            let configuration = try context.loadConfiguration()
            let (text, diagnostics) = GraphExport.render(configuration, registry: context.registry, format: format)
            try context.check(diagnostics)
            context.terminal.text(text)
        }
    }
}
