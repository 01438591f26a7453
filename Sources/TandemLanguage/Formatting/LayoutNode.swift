/// A YAML document as it is written: the values with their source text, and the comments and blank lines around
/// them. The formatter parses into this shape (Yams drops comments and quoting) and prints it back canonically.
struct LayoutDocument {
    /// Lines up to and including a leading `---` marker, kept verbatim.
    var prologue: [String]
    /// Comments before the root value; for a root map or list, those split from its first entry by a blank line.
    var header: [LayoutTrivia]
    /// The document's value.
    var root: LayoutValue
    /// The comment after a root scalar.
    var rootComment: String?
    /// Comments after the root value that no block claimed.
    var trailing: [LayoutTrivia]
}

/// A line holding no value.
enum LayoutTrivia: Equatable {
    /// An empty line (or one holding only spaces).
    case blank
    /// A full-line comment, starting with `#`, without its indentation.
    case comment(String)
}

/// A value in the source's layout.
enum LayoutValue {
    /// Nothing after `key:` or `-` (YAML null).
    case empty
    /// A scalar or flow collection, exactly as written.
    case text(LayoutText)
    /// A `|` or `>` scalar.
    case blockScalar(LayoutBlockScalar)
    /// A block map.
    case mapping(LayoutMapping)
    /// A block list.
    case sequence(LayoutSequence)
}

/// A scalar or flow collection in its source spelling, possibly spanning lines.
struct LayoutText {
    /// The text on the first line.
    var firstLine: String
    /// The following lines, each with its indentation relative to the owning key or `-`.
    var continuation: [(offset: Int, text: String)]
}

/// A block scalar: its header and content lines.
struct LayoutBlockScalar {
    /// The indicator and its modifiers, e.g. `|`, `>-`, `|2`.
    var header: String
    /// The explicit indentation digit of the header, when there is one.
    var explicitIndentation: Int?
    /// The content lines without the scalar's indentation ("" for empty lines).
    var lines: [String]
    /// True for `+` chomping: trailing empty lines are content, so no blank line may follow the scalar.
    var keepsTrailingLines: Bool
}

/// One `key: value` of a block map.
struct LayoutEntry {
    /// Comments and blank lines before the entry; they move with it.
    var leading: [LayoutTrivia]
    /// The key exactly as written (quotes kept).
    var key: String
    /// The comment at the end of the entry's line (the last line of a multi-line scalar).
    var comment: String?
    /// The value.
    var value: LayoutValue

    /// The key without quotes, for matching against known argument names.
    var name: String {
        guard key.count >= 2, let first = key.first, first == "\"" || first == "'", key.last == first else { return key }
        return String(key.dropFirst().dropLast())
    }
}

/// A block map with the comments ending it.
struct LayoutMapping {
    /// The entries in source order.
    var entries: [LayoutEntry]
    /// Comments after the last entry that belong to this map.
    var trailing: [LayoutTrivia]
}

/// One `- value` of a block list.
struct LayoutItem {
    /// Comments and blank lines before the item.
    var leading: [LayoutTrivia]
    /// The comment at the end of the item's line.
    var comment: String?
    /// The value.
    var value: LayoutValue
}

/// A block list with the comments ending it.
struct LayoutSequence {
    /// The items in source order.
    var items: [LayoutItem]
    /// Comments after the last item that belong to this list.
    var trailing: [LayoutTrivia]
}
