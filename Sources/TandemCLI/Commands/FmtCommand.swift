import ArgumentParser
import Foundation
import TandemLanguage

/// `tandem fmt`: rewrite configuration files in the canonical style, or with `--check` report which would change.
struct FmtCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Rewrite configuration files in the canonical style.",
        discussion: "Prints the files it rewrote. With --check nothing is written; the files that would change are listed and the exit code is 1 if there are any.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Change nothing; list the files that are not formatted and exit 1 if there are any.")
    var check = false

    @Flag(help: "Also format *.tandem.yaml files in subdirectories (e.g. modules).")
    var recursive = false

    @Argument(help: "Files or directories to format, relative to --dir (default: the *.tandem.yaml files of --dir).")
    var paths: [String] = []

    func run() async throws {
        let context = CommandContext(global)
        try await context.reportingErrors {
            let targets = paths.isEmpty ? [global.directory] : paths.map(resolved)
            let (files, findDiagnostics) = ConfigurationFormatter.files(in: targets, recursive: recursive)
            let report = ConfigurationFormatter.formatFiles(files, checkOnly: check)
            for file in report.changedFiles { context.terminal.line(file) }
            var diagnostics = findDiagnostics
            diagnostics.append(contentsOf: report.diagnostics)
            try context.check(diagnostics)
            if check, !report.changedFiles.isEmpty { throw ExitCode.failure }
        }
    }

    /// `path` relative to `--dir`, the way the loader names configuration files.
    private func resolved(_ path: String) -> String {
        path.hasPrefix("/") || global.directory == "." ? path : (global.directory as NSString).appendingPathComponent(path)
    }
}
