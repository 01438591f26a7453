/// How serious a diagnostic is.
public enum DiagnosticSeverity: String, Sendable, Codable, Hashable {
    /// The operation cannot go on.
    case error
    /// The operation goes on, but the user should look.
    case warning
}

/// A message for the user about their input or about an operation, with where it happened.
public struct Diagnostic: Sendable, Hashable, Codable, Error {
    /// Error or warning.
    public var severity: DiagnosticSeverity
    /// One line saying what is wrong.
    public var summary: String
    /// More explanation: expected vs actual, what exists, what to do.
    public var detail: String?
    /// The source text the diagnostic is about, when it comes from configuration.
    public var range: SourceRange?
    /// The resource or object address the diagnostic concerns, when there is one.
    public var address: String?

    /// Creates a diagnostic.
    public init(
        _ severity: DiagnosticSeverity,
        _ summary: String,
        detail: String? = nil,
        range: SourceRange? = nil,
        address: String? = nil
    ) {
        self.severity = severity
        self.summary = summary
        self.detail = detail
        self.range = range
        self.address = address
    }

    /// An error diagnostic.
    public static func error(_ summary: String, detail: String? = nil, range: SourceRange? = nil, address: String? = nil) -> Diagnostic {
        Diagnostic(.error, summary, detail: detail, range: range, address: address)
    }

    /// A warning diagnostic.
    public static func warning(_ summary: String, detail: String? = nil, range: SourceRange? = nil, address: String? = nil) -> Diagnostic {
        Diagnostic(.warning, summary, detail: detail, range: range, address: address)
    }
}

/// An ordered collection of diagnostics: several independent problems are reported in one run.
public struct Diagnostics: Sendable, Hashable, Codable, Sequence, Error {
    /// The diagnostics in the order they were found.
    public private(set) var items: [Diagnostic] = []

    /// An empty collection.
    public init() {}

    /// A collection holding the given diagnostics.
    public init(_ items: [Diagnostic]) { self.items = items }

    /// True when at least one diagnostic is an error.
    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// The error diagnostics only.
    public var errors: [Diagnostic] { items.filter { $0.severity == .error } }

    /// The warnings only.
    public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }

    /// True when there is nothing to report.
    public var isEmpty: Bool { items.isEmpty }

    /// Adds one diagnostic.
    public mutating func append(_ diagnostic: Diagnostic) { items.append(diagnostic) }

    /// Adds all diagnostics of another collection.
    public mutating func append(contentsOf other: Diagnostics) { items.append(contentsOf: other.items) }

    /// Adds several diagnostics.
    public mutating func append(contentsOf other: [Diagnostic]) { items.append(contentsOf: other) }

    /// Iterates the diagnostics in the order they were found.
    public func makeIterator() -> IndexingIterator<[Diagnostic]> { items.makeIterator() }

    /// Throws `self` when it holds an error, so a caller can stop at a phase boundary.
    public func throwIfErrors() throws {
        if hasErrors { throw self }
    }
}
