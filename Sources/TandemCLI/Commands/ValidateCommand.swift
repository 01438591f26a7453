import ArgumentParser
import TandemEngine

/// `tandem validate`: offline checks, no credentials needed; exit 1 with diagnostics.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check the configuration without contacting any service.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    func run() async throws {
        var context = CommandContext(global)
        try await context.reportingErrors {
            let configuration = try context.loadConfiguration()
            // Values given are used (e.g. a crd_files variable for offline CRD checks); the others stay unknown.
            let values = try context.variables(for: configuration, variables, requiringAll: false)
            try context.check(Validator.validate(configuration, registry: context.registry, variables: values))
            context.terminal.line(context.terminal.styled("The configuration is valid.", .green))
        }
    }
}
