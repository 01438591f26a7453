import TandemCore

/// Rewrites configuration text in Tandem's canonical style (`tandem fmt`).
///
/// The canonical style: two-space indentation; block maps and lists, list items two spaces deeper than their key;
/// one space after `:` and before a trailing comment; no trailing whitespace; runs of blank lines collapsed to one
/// and one blank line between top-level blocks; one newline at the end. Keys follow `CanonicalKeyOrder` where
/// blocks have a conventional order and keep their source order elsewhere. Scalars and one-line flow collections
/// are printed exactly as written; comments stay with the entry they precede, on the line they end, or at the end
/// of the block they close.
public enum ConfigurationFormatter {
    /// The canonical text of `text` (read from `file`); nil, with diagnostics, when it is not valid YAML or when the
    /// formatter cannot lay it out without changing its meaning.
    public static func format(_ text: String, file: String) -> (String?, Diagnostics) {
        let (original, diagnostics) = YAMLReader.parse(text, file: file)
        guard let original, !diagnostics.hasErrors else { return (nil, diagnostics) }
        let formatted: String
        do {
            formatted = LayoutPrinter.print(try LayoutParser.parse(text))
        } catch let error as LayoutError {
            return (nil, Diagnostics([.error("Cannot format \(file)", detail: error.reason,
                                              range: SourceRange(file: file, line: error.line, column: error.column))]))
        } catch {
            return (nil, Diagnostics([.error("Cannot format \(file)", detail: "\(error)")]))
        }
        // A last check, so a formatter bug can never silently change what a configuration means.
        let (reparsed, _) = YAMLReader.parse(formatted, file: file)
        guard let reparsed, reparsed.hasSameContent(as: original) else {
            return (nil, Diagnostics([.error("Cannot format \(file) safely",
                                              detail: "Formatting would change the file's meaning, so it is left as it is. This is a bug in tandem fmt; please report it with the file.",
                                              range: SourceRange(file: file, line: 1, column: 1))]))
        }
        return (formatted, diagnostics)
    }
}
