/// Where a source key lands on the target: a template of `{key}` (the source key), `{bucket}` (the source bucket)
/// and literal text, e.g. `{bucket}/{key}` to keep several sources apart in one target bucket.
public struct KeyTemplate: Sendable, Equatable {
    private enum Part: Sendable, Equatable { case text(String), key, bucket }
    private let parts: [Part]

    /// A template that cannot be used.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        /// What is wrong.
        public let description: String
    }

    /// Parses `template`; it must contain `{key}` (otherwise every object would land on one key).
    public init(_ template: String) throws {
        var parts: [Part] = [], text = "", rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            text += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { throw Invalid(description: "unclosed { in \(template)") }
            switch rest[rest.index(after: open)..<close] {
            case "key": parts += [.text(text), .key]
            case "bucket": parts += [.text(text), .bucket]
            case let name: throw Invalid(description: "unknown placeholder {\(name)} in \(template); use {key} and {bucket}")
            }
            text = ""
            rest = rest[rest.index(after: close)...]
        }
        parts.append(.text(text + rest))
        guard parts.contains(.key) else { throw Invalid(description: "\(template) has no {key}: every object would land on the same key") }
        self.parts = parts.filter { $0 != .text("") }
    }

    /// The literal target prefix when the template is `PREFIX{key}` (so target keys sort like source keys and two
    /// listings can be merged); nil for other shapes.
    public func prefix(forBucket bucket: String) -> String? {
        guard parts.last == .key, parts.filter({ $0 == .key }).count == 1 else { return nil }
        return targetKey(for: "", bucket: bucket)
    }

    /// The target key for `key` of `bucket`.
    public func targetKey(for key: String, bucket: String) -> String {
        parts.map { part in
            switch part {
            case .text(let text): return text
            case .key: return key
            case .bucket: return bucket
            }
        }.joined()
    }
}
