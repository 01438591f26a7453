import TandemCLI

await TandemCommand.start()
