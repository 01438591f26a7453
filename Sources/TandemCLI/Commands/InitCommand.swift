import ArgumentParser
import Foundation
import TandemCore
import TandemState

/// `tandem init`: checks the configuration loads and prepares the state directory.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Prepare a configuration directory.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var context = CommandContext(global)
        try await context.reportingErrors {
            let configuration = try context.loadConfiguration()
            let stateDirectory = (context.store.path as NSString).deletingLastPathComponent
            try LocalStateStore.createPrivateDirectory(stateDirectory.isEmpty ? "." : stateDirectory)
            let providers = Set(configuration.resources.map(\.address.providerName)).union(configuration.providers.values.map(\.name))
            for name in providers.sorted() {
                guard context.registry.providers[name] != nil else {
                    throw Diagnostic.error("Unknown provider \"\(name)\"", detail: "Known providers: \(context.registry.providers.keys.sorted().joined(separator: ", ")).")
                }
                context.terminal.line("- provider \(name): built in")
            }
            context.terminal.line("State: \(context.store.path)")
            context.terminal.line(context.terminal.styled("Tandem is initialised.", .green))
        }
    }
}
