import ArgumentParser
import TandemEngine

/// `tandem validate`: offline checks, no credentials needed; exit 1 with diagnostics.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check the configuration without contacting any service.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var context = CommandContext(global)
        try await context.reportingErrors {
            let configuration = try context.loadConfiguration()
            try context.check(Validator.validate(configuration, registry: context.registry))
            context.terminal.line(context.terminal.styled("The configuration is valid.", .green))
        }
    }
}
