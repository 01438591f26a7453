import ArgumentParser

/// The `tandem` command line.
public struct TandemCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Declarative object-storage replication and disaster recovery.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self,
            ShowCommand.self, OutputCommand.self, StateCommand.self, ForceUnlockCommand.self, DriftCommand.self,
        ])

    public init() {}
}
