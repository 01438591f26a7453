import ArgumentParser
import Foundation
import TandemCore
import TandemState

/// `tandem init`: checks the configuration loads and prepares the state: a local state directory, or for the S3
/// backend a first read (credentials, bucket, the server's conditional writes) and, with `--migrate-state`, the
/// move of a local state to the bucket.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Prepare a configuration directory.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Copy the local state (state/WORKSPACE.json) to a remote backend that has none yet, after asking.")
    var migrateState = false

    @Flag(name: .customLong("auto-approve"), help: "With --migrate-state: do not ask for confirmation.")
    var autoApprove = false

    func run() async throws {
        var context = CommandContext(global)
        try await context.reportingErrors {
            let configuration = try context.loadConfiguration()
            if let local = context.store as? LocalStateStore {
                let stateDirectory = (local.path as NSString).deletingLastPathComponent
                try LocalStateStore.createPrivateDirectory(stateDirectory.isEmpty ? "." : stateDirectory)
            } else {
                try await prepareRemote(context)
            }
            let providers = Set(configuration.resources.map(\.address.providerName)).union(configuration.providers.values.map(\.name))
            for name in providers.sorted() {
                guard context.registry.providers[name] != nil else {
                    throw Diagnostic.error("Unknown provider \"\(name)\"", detail: "Known providers: \(context.registry.providers.keys.sorted().joined(separator: ", ")).")
                }
                context.terminal.line("- provider \(name): built in")
            }
            context.terminal.line("State: \(context.store.location)")
            context.terminal.line(context.terminal.styled("Tandem is initialised.", .green))
        }
    }

    /// Takes and releases the lock (which checks the credentials, the bucket and the server's conditional writes),
    /// reads the remote state and, when asked, moves the local one there.
    private func prepareRemote(_ context: CommandContext) async throws {
        try await context.withLock("init") { _ in }
        let remote = try await context.store.read()
        let local = LocalStateStore(path: ((global.directory as NSString).appendingPathComponent("state") as NSString)
            .appendingPathComponent("\(global.workspace).json"))
        guard let localState = try local.read() else { return }
        guard migrateState else {
            context.terminal.line("A local state is at \(local.path) (serial \(localState.serial), \(localState.resources.count) resources); "
                                  + "run tandem init --migrate-state to move it to \(context.store.location).")
            return
        }
        if let remote {
            throw Diagnostic.error("\(context.store.location) already holds a state (serial \(remote.serial), lineage \(remote.lineage)); nothing was migrated",
                                   detail: "Compare them with tandem state pull, and push the local one with tandem state push if it is the one to keep.")
        }
        context.terminal.line("The local state \(local.path) (serial \(localState.serial), \(localState.resources.count) resources) will be copied to "
                              + "\(context.store.location), which holds none, and the local file renamed to \(local.path).migrated.")
        try Confirmation(terminal: context.terminal, autoApprove: autoApprove).require("migrate the state")
        try await context.withLock("init -migrate-state") { _ in try await context.store.write(localState) }
        try FileManager.default.moveItem(atPath: local.path, toPath: local.path + ".migrated")
        context.terminal.line("Migrated \(localState.resources.count) resources (serial \(localState.serial)) from \(local.path) to \(context.store.location); "
                              + "the local file is kept as \(local.path).migrated.")
    }
}
