import ArgumentParser
import Foundation
import TandemCore
import TandemState

/// `tandem state list|show|rm|pull|push`.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "state", abstract: "Inspect and edit the state.",
                                                    subcommands: [List.self, Show.self, Remove.self, Pull.self, Push.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List managed resource addresses.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = CommandContext(global)
            try await context.reportingErrors {
                for resource in try await context.store.read()?.resources ?? [] { context.terminal.line(resource.address.description) }
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
                let state = try await context.store.read()
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
                    guard var state = try await context.store.read() else { throw Diagnostic.error("No state at \(context.store.location)") }
                    let targets = try context.targets(addresses)
                    let missing = targets.filter { state.resource($0) == nil }
                    guard missing.isEmpty else {
                        throw Diagnostic.error("No resource \(missing.map(\.description).joined(separator: ", ")) in the state", detail: "Nothing was removed.")
                    }
                    for address in targets { state.remove(address) }
                    state.serial += 1
                    try await context.store.write(state)
                    for address in targets {
                        context.terminal.line("Removed \(address) from the state (the object itself is untouched).")
                    }
                }
            }
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pull", abstract: "Print the state as stored (JSON; it holds secrets: keep it private).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = CommandContext(global)
            try await context.reportingErrors {
                guard let state = try await context.store.read() else { throw Diagnostic.error("No state at \(context.store.location)") }
                context.terminal.line(String(decoding: try state.encoded(), as: UTF8.self))
            }
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "push",
                                                        abstract: "Replace the stored state with FILE (refused for another lineage or an older serial).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A state file, as tandem state pull prints it.") var file: String
        @Flag(help: "Push even over another lineage or a newer serial.") var force = false

        func run() async throws {
            let context = CommandContext(global)
            try await context.reportingErrors {
                guard let data = FileManager.default.contents(atPath: file) else { throw Diagnostic.error("Cannot read \(file)") }
                let pushed = try StateFile.decode(data, path: file)
                try await context.withLock("state push") { _ in
                    if let current = try await context.store.read(), !force {
                        guard current.lineage == pushed.lineage else {
                            throw Diagnostic.error("\(file) is another state (lineage \(pushed.lineage)) than \(context.store.location) (lineage \(current.lineage)); nothing was pushed",
                                                   detail: "Use --force to replace it anyway.")
                        }
                        guard pushed.serial >= current.serial else {
                            throw Diagnostic.error("\(file) (serial \(pushed.serial)) is older than \(context.store.location) (serial \(current.serial)); nothing was pushed",
                                                   detail: "Pull the current state and apply your change to it, or use --force.")
                        }
                    }
                    try await context.store.write(pushed)
                }
                context.terminal.line("Pushed \(pushed.resources.count) resources (serial \(pushed.serial)) to \(context.store.location).")
            }
        }
    }
}
