import AWSProvider
import CephProvider
import KubernetesProvider
import TandemProvider
import ArgumentParser
import StateBackends
import Foundation
import TandemCore
import TandemEngine
import TandemLanguage
import TandemState

/// What a command needs: the terminal, the configuration, variables, the state store and the providers.
struct CommandContext {
    let options: GlobalOptions
    let terminal: Terminal
    let environment: [String: String]
    let registry: ProviderRegistry
    /// The state store of the selected workspace (``StateStoreSelection``), chosen once per command.
    let store: any StateStore
    /// Where the configuration is read: the disk, or a commit (`tandem review`).
    let files: any ConfigurationFiles
    /// The configuration's directory in `files` (`options.directory` on the disk).
    let configurationDirectory: String
    private(set) var sources: [String: String] = [:]

    /// A context for `options`; the configuration comes from `files` at `configurationDirectory` when given (a
    /// stack of a commit), while local state stays under `options.directory` on the disk.
    init(_ options: GlobalOptions, files: any ConfigurationFiles = LocalConfigurationFiles(), configurationDirectory: String? = nil) {
        self.options = options
        self.files = files
        self.configurationDirectory = configurationDirectory ?? options.directory
        self.environment = ProcessInfo.processInfo.environment
        self.terminal = Terminal(noColor: options.noColor, environment: environment)
        let backend = ConfigurationLoader.backend(directory: self.configurationDirectory, files: files)
        let (store, replicators) = StateStoreSelection.store(for: options, backend: backend, environment: environment)
        self.store = store
        self.registry = ProviderRegistry([AWSProvider(), CephProvider(), KubernetesProvider(), Self.tandemProvider(replicators: replicators)])
    }

    /// The tandem provider, its local replicators' files under `replicators`.
    private static func tandemProvider(replicators directory: String) -> TandemProvider {
        let program = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let absolute = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        return TandemProvider(runtimeDirectory: URL(fileURLWithPath: absolute).standardized.path, program: program)
    }

    /// Loads the configuration; diagnostics (errors and warnings) are printed and errors end the command.
    mutating func loadConfiguration() throws -> Configuration {
        let (configuration, diagnostics) = ConfigurationLoader.load(directory: configurationDirectory, files: files)
        sources = configuration?.sources ?? [:]
        try check(diagnostics)
        guard let configuration else { throw ExitCode.failure }
        return configuration
    }

    /// Resolves variable values from defaults, the environment, files and `--var`; with `requiringAll` false a
    /// variable without a value is unknown rather than an error.
    func variables(for configuration: Configuration, _ options: VariableOptions, requiringAll: Bool = true) throws -> [String: Value] {
        var assignments: [(name: String, value: String)] = []
        var diagnostics = Diagnostics()
        for assignment in options.assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                diagnostics.append(.error("Invalid --var \"\(assignment)\"", detail: "Write --var NAME=VALUE."))
                continue
            }
            assignments.append((String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...])))
        }
        let (values, resolveDiagnostics) = VariableInputs(assignments: assignments, files: options.files, environment: environment)
            .resolve(configuration.variables, requiringAll: requiringAll)
        diagnostics.append(contentsOf: resolveDiagnostics)
        try check(diagnostics)
        return values
    }

    /// Parses `--target` addresses.
    func targets(_ texts: [String]) throws -> [ResourceAddress] {
        var diagnostics = Diagnostics()
        let addresses = texts.compactMap { text -> ResourceAddress? in
            guard let address = ResourceAddress(parsing: text) else {
                diagnostics.append(.error("Invalid resource address \"\(text)\"", detail: "Write TYPE.NAME, e.g. aws_s3_bucket.replica."))
                return nil
            }
            return address
        }
        try check(diagnostics)
        return addresses
    }

    /// Prints diagnostics; throws exit code 1 when there is an error among them.
    func check(_ diagnostics: Diagnostics) throws {
        guard !diagnostics.isEmpty else { return }
        DiagnosticRenderer(sources: sources, terminal: terminal).emit(diagnostics)
        if diagnostics.hasErrors { throw ExitCode.failure }
    }

    /// Runs `body`, turning any error into printed diagnostics and exit code 1 (the one place errors map to exit codes).
    func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let diagnostics as Diagnostics {
            try check(diagnostics)
            throw ExitCode.failure
        } catch let diagnostic as Diagnostic {
            try check(Diagnostics([diagnostic]))
            throw ExitCode.failure
        } catch let error as StateError {
            try check(Diagnostics([.error("State error", detail: error.description)]))
            throw ExitCode.failure
        } catch let error as ProviderError {
            try check(Diagnostics([.error("Provider error", detail: error.message)]))
            throw ExitCode.failure
        } catch {
            try check(Diagnostics([.error("\(error)")]))
            throw ExitCode.failure
        }
    }

    /// Holds the state lock while `body` runs; a held lock fails at once with the holder's details.
    /// Ctrl-C is handled meanwhile so the lock is released and applied operations are recorded (see `InterruptController`).
    func withLock<T>(_ operation: String, _ body: (InterruptController) async throws -> T) async throws -> T {
        let lock = LockInfo(operation: operation)
        let store = self.store
        try await store.lock(lock)
        let interrupts = InterruptController(terminal: terminal) { Self.releaseAtExit(lock, in: store) }
        interrupts.install()
        defer { interrupts.uninstall() }
        do {
            let result = try await body(interrupts)
            try await store.unlock(lock)
            await printNotices()
            return result
        } catch {
            try? await store.unlock(lock)
            await printNotices()
            throw error
        }
    }

    /// What a remote backend found worth saying (an endpoint without server-side encryption), as warnings.
    func printNotices() async {
        for notice in await (store as? S3StateStore)?.notices() ?? [] { terminal.errorLine("Warning: \(notice)") }
    }

    /// Releases `lock` from a signal handler, about to exit: waits (at most 10 s) for the store to remove it.
    private static func releaseAtExit(_ lock: LockInfo, in store: any StateStore) {
        let released = DispatchSemaphore(value: 0)
        Task.detached {
            try? await store.unlock(lock)
            released.signal()
        }
        _ = released.wait(timeout: .now() + 10)
    }

    /// New provider sessions for a configuration and variables.
    func sessions(_ configuration: Configuration, variables: [String: Value]) -> ProviderSessions {
        ProviderSessions(registry: registry, configuration: configuration, variables: variables, environment: environment)
    }
}
