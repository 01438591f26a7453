import Foundation

/// Writes to the terminal with optional ANSI colours, serialising writes from concurrent tasks.
///
/// Colours are off when `NO_COLOR` is set, `--no-color` is given, or stdout is not a terminal.
public final class Terminal: Sendable {
    /// Whether ANSI colours are used.
    public let colors: Bool
    private let lock = NSLock()

    /// Creates a terminal writer.
    public init(noColor: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        colors = !noColor && environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }

    /// ANSI styles.
    public enum Style: String, Sendable {
        /// Headings and summaries.
        case bold = "1"
        /// Secondary text (notes, no-op).
        case dim = "2"
        /// Errors, deletes and replacements.
        case red = "31"
        /// Success and creates.
        case green = "32"
        /// Warnings and updates.
        case yellow = "33"
    }

    /// `text` in `style` when colours are on.
    public func styled(_ text: String, _ style: Style) -> String {
        colors ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Writes a line to stdout.
    public func line(_ text: String = "") {
        write(text + "\n", to: FileHandle.standardOutput)
    }

    /// Writes a line to stderr.
    public func errorLine(_ text: String) {
        write(text + "\n", to: FileHandle.standardError)
    }

    /// Whether stderr is a terminal (progress is drawn there, else written as JSON lines).
    public var errorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes text to stderr without a newline (a progress line redrawn with `\r`).
    public func errorText(_ text: String) {
        write(text, to: FileHandle.standardError)
    }

    /// Writes text to stdout without a newline.
    public func text(_ text: String) {
        write(text, to: FileHandle.standardOutput)
    }

    /// Writes bytes to stdout as they are (text already encoded, e.g. in chunks).
    func output(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(Data(bytes))
    }

    private func write(_ text: String, to handle: FileHandle) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data(text.utf8))
    }

    /// Asks a question and reads one line from stdin; nil at end of input.
    public func ask(_ question: String) -> String? {
        text(question)
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }
}
