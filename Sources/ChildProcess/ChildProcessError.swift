import Subprocess

/// A child process could not be started, ran out of time or printed too much.
///
/// The description names the program (`arguments[0]`) and never its other arguments or its environment, which may
/// hold secrets.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a value to compare against (`error.code == .timedOut`).
    public struct Code: Hashable, Sendable {
        private enum Base: Hashable, Sendable {
            case notFound, cannotStart, timedOut, outputLimitExceeded, failed
        }

        private let base: Base

        /// The program is not on `PATH`, or not at the path given, or not executable.
        public static let notFound = Code(base: .notFound)
        /// The program exists but could not be started (an empty command, a bad working directory, a spawn failure).
        public static let cannotStart = Code(base: .cannotStart)
        /// The timeout passed; the child was killed.
        public static let timedOut = Code(base: .timedOut)
        /// The child printed more than the output limit; it was killed.
        public static let outputLimitExceeded = Code(base: .outputLimitExceeded)
        /// Reading from, writing to or watching the running child failed.
        public static let failed = Code(base: .failed)
    }

    /// The program, as given in `arguments[0]`.
    public let program: String
    /// What went wrong.
    public let code: Code
    /// One line about it, without the program's arguments.
    public let detail: String

    init(program: String, code: Code, detail: String) {
        self.program = program
        self.code = code
        self.detail = detail
    }

    init(program: String, subprocessError error: SubprocessError) {
        let reason = error.underlyingError.map { ": \($0)" } ?? ""
        switch error.code {
        case .executableNotFound:
            self.init(program: program, code: .notFound, detail: "not found or not executable (looked up on the child's PATH unless it holds a /)")
        case .spawnFailed:
            self.init(program: program, code: .cannotStart, detail: "could not be started\(reason)")
        case .failedToChangeWorkingDirectory:
            self.init(program: program, code: .cannotStart, detail: "could not start in its working directory\(reason)")
        case .outputLimitExceeded:
            self.init(program: program, code: .outputLimitExceeded, detail: "printed more than the limit and was killed (\(error))")
        default:
            self.init(program: program, code: .failed, detail: "\(error)")
        }
    }

    /// "PROGRAM: DETAIL".
    public var description: String {
        "\(program.isEmpty ? "child process" : program): \(detail)"
    }
}
