import TandemCLI

TandemCommand.prepare(arguments: CommandLine.arguments)
await TandemCommand.start()
