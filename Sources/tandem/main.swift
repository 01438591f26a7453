import TandemCLI

await TandemCommand.main()
