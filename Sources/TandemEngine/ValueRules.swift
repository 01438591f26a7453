import TandemCore

/// A service's documented limits on names, numbers, counts and documents, checked while planning so a value the
/// service (or a lenient emulator) would take differently is reported at its source before anything changes.
/// Every check skips values that are not known yet (known after apply) or not of the checked type (the schema
/// reports those), and its message states the rule.
public struct ValueRules {
    /// The problems found so far, each with the attribute path of the offending value.
    public private(set) var problems: [ProviderError] = []
    private let configuration: Value

    /// Checks attributes of `configuration` (a resource's configured value).
    public init(_ configuration: Value) {
        self.configuration = configuration
    }

    /// The value at a dotted path with list indices (`rule[0].id`); null when absent.
    public func value(at path: String) -> Value {
        // Most paths are one attribute name: looked up without splitting (this runs for every planned instance).
        if !path.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "[") }) { return configuration[path] }
        return path.split(separator: ".").reduce(configuration) { current, component in
            guard let open = component.firstIndex(of: "["), component.hasSuffix("]"),
                  let index = Int(component[component.index(after: open)..<component.index(before: component.endIndex)]) else {
                return current[String(component)]
            }
            let list = current[String(component[..<open])].listValue ?? []
            return list.indices.contains(index) ? list[index] : .null
        }
    }

    /// Records a problem with the value at `path`.
    public mutating func report(_ message: String, at path: String) {
        problems.append(ProviderError(message, attributePath: path))
    }

    /// Text whose length (in characters) lies in `length` and whose characters all pass `allowed`.
    public mutating func text(_ path: String, _ what: String, length: ClosedRange<Int>,
                              allowed: ((Character) -> Bool)? = nil, allowedDescription: String = "") {
        guard let text = value(at: path).stringValue else { return }
        if !length.contains(text.count) {
            report("\(what) must have \(Self.describe(length)) characters; \"\(Self.excerpt(text))\" has \(text.count).", at: path)
        }
        if let allowed, let bad = text.first(where: { !allowed($0) }) {
            report("\(what) may contain only \(allowedDescription); \"\(Self.excerpt(text))\" contains \(Self.quote(bad)).", at: path)
        }
    }

    /// A whole number in `range`.
    public mutating func wholeNumber(_ path: String, _ what: String, in range: ClosedRange<Int>, unit: String = "") {
        guard let number = value(at: path).numberValue else { return }
        let suffix = unit.isEmpty ? "" : " \(unit)"
        if number != number.rounded() || number < Double(range.lowerBound) || number > Double(range.upperBound) {
            report("\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)\(suffix), not \(Value.format(number: number)).", at: path)
        }
    }

    /// A list or map with at most `maximum` entries.
    public mutating func count(_ path: String, _ what: String, atMost maximum: Int) {
        let value = value(at: path)
        guard let count = value.listValue?.count ?? value.mapValue?.count, count > maximum else { return }
        report("At most \(maximum) \(what) are allowed; there are \(count).", at: path)
    }

    /// A tag map as S3 and IAM take it: keys of 1-128 characters, values of at most 256, both of letters, digits, white
    /// space and `_.:/=+-@`, and at most `maximumCount` tags when given.
    public mutating func tags(_ path: String, maximumCount: Int? = nil) {
        guard let tags = value(at: path).mapValue else { return }
        if let maximumCount { count(path, "tags", atMost: maximumCount) }
        for (key, tagValue) in tags.sorted(by: { $0.key < $1.key }) {
            // Characters are counted only when the bytes could be too many (counting them is slow).
            if key.isEmpty || key.utf8.count > 128 && key.count > 128 {
                report("Tag keys must have 1 to 128 characters; \"\(Self.excerpt(key))\" has \(key.count).", at: path)
            }
            let text = tagValue.stringValue ?? ""
            if text.utf8.count > 256 && text.count > 256 {
                report("Tag values must have at most 256 characters; the value of \"\(Self.excerpt(key))\" has \(text.count).", at: path)
            }
            if let bad = key.unicodeScalars.first(where: { !Self.isTagCharacter($0) }) ?? text.unicodeScalars.first(where: { !Self.isTagCharacter($0) }) {
                report("Tags may contain only letters, digits, spaces and _.:/=+-@; the tag \"\(Self.excerpt(key))\" contains "
                       + "\(Self.quote(Character(bad))).", at: path)
            }
        }
    }

    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, the tag pattern of the S3 and IAM APIs.
    private static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let byte = UInt8(scalar.value)
            return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || " _.:/=+-@".utf8.contains(byte)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .spaceSeparator, .lineSeparator, .paragraphSeparator, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    /// Text that is at most `maximum` bytes once encoded as UTF-8 (documents the service measures in bytes).
    public mutating func bytes(of text: String, at path: String, _ what: String, atMost maximum: Int) {
        let size = text.utf8.count
        guard size > maximum else { return }
        report("\(what) may be at most \(Self.describeBytes(maximum)); this one is \(Self.describeBytes(size)).", at: path)
    }

    /// "1 to 64", "at most 64", "at least 3".
    static func describe(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == 0 ? "at most \(range.upperBound)" : "\(range.lowerBound) to \(range.upperBound)"
    }

    /// A byte count as users read it: "20 KB (20480 bytes)".
    static func describeBytes(_ count: Int) -> String {
        count >= 1024 ? "\(count / 1024) KB (\(count) bytes)" : "\(count) bytes"
    }

    /// At most 80 characters of `text`, so a 300 KB value does not flood the message.
    public static func excerpt(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    /// A character as a message shows it: a space or control character by name.
    public static func quote(_ character: Character) -> String {
        switch character {
        case " ": return "a space"
        case "\t": return "a tab"
        case "\n", "\r", "\r\n": return "a line break"
        default: return "\"\(character)\""
        }
    }
}
