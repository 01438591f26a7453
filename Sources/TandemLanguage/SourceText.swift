import Foundation
import TandemCore

/// Turns the bytes of a file the configuration reads (configuration files, `--var-file`s, `file()` and
/// `templatefile()`) into text: refused when larger than `maximumBytes` or not valid UTF-8, with the file and the
/// line and column of the first bad byte, instead of replacing it with U+FFFD.
public enum SourceText {
    /// The largest file read (4 MiB), so a mistaken path or a generated monster cannot exhaust memory.
    public static let maximumBytes = 4 * 1024 * 1024

    /// Why bytes could not become text.
    public struct Problem: Error, Equatable, Sendable {
        /// One line: what is wrong.
        public var summary: String
        /// What to do about it.
        public var detail: String
        /// Where: the file, and the first bad byte's line and column (1-based; columns count characters).
        public var range: SourceRange

        /// Creates a problem.
        public init(summary: String, detail: String, range: SourceRange) {
            self.summary = summary
            self.detail = detail
            self.range = range
        }

        /// The problem as an error diagnostic.
        public var diagnostic: Diagnostic { .error(summary, detail: detail, range: range) }
    }

    /// Reads `path` (shown as `file` in messages): its text, or why it cannot be used; nil text and nil problem only
    /// when the file cannot be read at all.
    public static func read(path: String, file: String? = nil) -> Result<String, Problem>? {
        let shown = file ?? path
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > maximumBytes {
            return .failure(tooLarge(size.intValue, file: shown))
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return decode(data, file: shown)
    }

    /// `data` as text, or why it cannot be: larger than `maximumBytes`, or not valid UTF-8 (the first bad byte located).
    public static func decode(_ data: Data, file: String) -> Result<String, Problem> {
        if data.count > maximumBytes { return .failure(tooLarge(data.count, file: file)) }
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        let (offset, position) = firstInvalidByte(in: data)
        let byte = offset < data.count ? String(format: "0x%02X", data[data.startIndex + offset]) : "end of file"
        return .failure(Problem(summary: "Invalid UTF-8",
                                detail: "\(file) is not valid UTF-8: byte \(offset) (\(byte)) does not continue a character. "
                                    + "Save the file as UTF-8.",
                                range: SourceRange(file: file, line: position.line, column: position.column)))
    }

    /// The byte offset of the first malformed UTF-8 sequence and its line and column (columns count the characters
    /// before it on its line). Validates only; `decode` calls it after Swift's validation has failed.
    static func firstInvalidByte(in data: Data) -> (offset: Int, position: SourcePosition) {
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded):
                offset += encoded.count
                if encoded.count == 1, encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .error:
                return (offset, SourcePosition(line: line, column: column))
            case .emptyInput:
                return (offset, SourcePosition(line: line, column: column))
            }
        }
    }

    private static func tooLarge(_ size: Int, file: String) -> Problem {
        Problem(summary: "File too large",
                detail: "\(file) has \(size) bytes; configuration files and the files they read may have at most \(maximumBytes / 1024 / 1024) MiB.",
                range: SourceRange(file: file, line: 1, column: 1))
    }
}
