import ArgumentParser
import TandemCore
import TandemEngine
import TandemState

/// `tandem import ADDRESS ID`: record an existing object in the state under a declared resource.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bring an existing object under management without changing it.",
        discussion: "IDs: a bucket name (aws_s3_bucket), a queue name or URL (aws_sqs_queue), a user name (aws_iam_user), a role name (aws_iam_role). "
            + "Run tandem plan afterwards to see how the object differs from its configuration.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var variables: VariableOptions

    @Argument(help: "The declared resource address, e.g. aws_s3_bucket.replica.") var address: String
    @Argument(help: "The object's id, e.g. a bucket name.") var id: String

    func run() async throws {
        var context = CommandContext(global)
        let configuration = try await context.reportingErrors { try context.loadConfiguration() }
        try await context.reportingErrors {
            let values = try context.variables(for: configuration, variables)
            guard let target = try context.targets([address]).first else { throw ExitCode.failure }
            try await context.withLock("import") { _ in
                let sessions = context.sessions(configuration, variables: values)
                let state: StateFile
                do {
                    state = try await Importer(registry: context.registry, sessions: sessions)
                        .importObject(id, at: target, configuration: configuration, variables: values, state: try await context.store.read())
                } catch {
                    await sessions.shutdown()
                    throw error
                }
                await sessions.shutdown()
                try await context.store.write(state)
                context.terminal.line("Imported \(id) as \(target). Run tandem plan to compare it with its configuration.")
            }
        }
    }
}
