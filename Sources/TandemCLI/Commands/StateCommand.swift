import ArgumentParser
import Foundation
import TandemCore

/// `tandem state list|show|rm`.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "state", abstract: "Inspect and edit the state.",
                                                    subcommands: [List.self, Show.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List managed resource addresses.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = CommandContext(global)
            try await context.reportingErrors {
                for resource in try context.store.read()?.resources ?? [] { context.terminal.line(resource.address.description) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one resource's attributes (sensitive values masked).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Resource address.") var address: String

        func run() async throws {
            let context = CommandContext(global)
            try await context.reportingErrors {
                let state = try context.store.read()
                guard let target = try context.targets([address]).first, let resource = state?.resource(target) else {
                    throw Diagnostic.error("No resource \(address) in the state",
                                           detail: Suggestions.didYouMean(address, in: state?.resources.map(\.address.description) ?? []).trimmingCharacters(in: .whitespaces))
                }
                context.terminal.line(StateMasking.render(StateMasking(registry: context.registry).mask(resource), terminal: context.terminal))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Forget resources without deleting them.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Resource addresses.") var addresses: [String]

        func run() async throws {
            let context = CommandContext(global)
            try await context.reportingErrors {
                try await context.withLock("state rm") { _ in
                    guard var state = try context.store.read() else { throw Diagnostic.error("No state at \(context.store.path)") }
                    let targets = try context.targets(addresses)
                    let missing = targets.filter { state.resource($0) == nil }
                    guard missing.isEmpty else {
                        throw Diagnostic.error("No resource \(missing.map(\.description).joined(separator: ", ")) in the state", detail: "Nothing was removed.")
                    }
                    for address in targets { state.remove(address) }
                    state.serial += 1
                    try context.store.write(state)
                    for address in targets {
                        context.terminal.line("Removed \(address) from the state (the object itself is untouched).")
                    }
                }
            }
        }
    }
}

