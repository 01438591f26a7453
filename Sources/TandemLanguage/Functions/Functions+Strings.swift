import Foundation
import TandemCore

extension Functions {
    /// Text functions.
    static let strings: [String: Implementation] = [
        "lower": { args, _ throws(Failure) in try args.expect(1...1); return .string(try args.string(0).lowercased()) },
        "upper": { args, _ throws(Failure) in try args.expect(1...1); return .string(try args.string(0).uppercased()) },
        "trimprefix": { args, _ throws(Failure) in
            try args.expect(2...2)
            let text = try args.string(0), prefix = try args.string(1)
            return .string(text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
        },
        "trimsuffix": { args, _ throws(Failure) in
            try args.expect(2...2)
            let text = try args.string(0), suffix = try args.string(1)
            return .string(text.hasSuffix(suffix) ? String(text.dropLast(suffix.count)) : text)
        },
        "replace": { args, _ throws(Failure) in
            try args.expect(3...3)
            let substring = try args.string(1)
            guard !substring.isEmpty else { throw Failure("replace(): the substring to replace must not be empty") }
            return .string(try args.string(0).replacingOccurrences(of: substring, with: try args.string(2)))
        },
        "split": { args, _ throws(Failure) in
            try args.expect(2...2)
            let separator = try args.string(0), text = try args.string(1)
            guard !separator.isEmpty else { throw Failure("split(): the separator must not be empty") }
            if text.isEmpty { return .list([]) }
            return .list(text.components(separatedBy: separator).map(Value.string))
        },
        "join": { args, _ throws(Failure) in
            try args.expect(2...2)
            let separator = try args.string(0)
            var parts: [String] = []
            for item in try args.list(1) {
                guard let text = item.asTemplateString else { throw Failure("join(): list elements must be strings, got \(item.typeName)") }
                parts.append(text)
            }
            return .string(parts.joined(separator: separator))
        },
        "format": { args, _ throws(Failure) in
            try args.expectAtLeast(1)
            return .string(try format(try args.string(0), Array(args.values.dropFirst())))
        },
    ]

    /// `format` with the verbs `%s`, `%d`, `%f` (with optional precision like `%.2f`), `%v` and `%%`.
    private static func format(_ pattern: String, _ values: [Value]) throws(Failure) -> String {
        var result = ""
        var remaining = values[...]
        var characters = pattern[...]
        while let c = characters.popFirst() {
            guard c == "%" else { result.append(c); continue }
            var precision = ""
            if characters.first == "." {
                characters.removeFirst()
                while let digit = characters.first, digit.isNumber { precision.append(digit); characters.removeFirst() }
            }
            guard let verb = characters.popFirst() else { throw Failure("format(): the pattern ends with a lone %") }
            if verb == "%" { result.append("%"); continue }
            guard let value = remaining.popFirst() else { throw Failure("format(): not enough arguments for the pattern \"\(pattern)\"") }
            switch verb {
            case "s", "v":
                guard let text = value.asTemplateString ?? (try? value.canonicalJSON()) else { throw Failure("format(): cannot format a \(value.typeName)") }
                result += text
            case "d":
                guard let n = value.numberValue ?? value.stringValue.flatMap(Double.init), n.rounded() == n else {
                    throw Failure("format(): %d needs a whole number, got \(value.typeName)")
                }
                result += String(Int(n))
            case "f":
                guard let n = value.numberValue ?? value.stringValue.flatMap(Double.init) else { throw Failure("format(): %f needs a number, got \(value.typeName)") }
                result += String(format: "%.\(Int(precision) ?? 6)f", n)
            default:
                throw Failure("format(): unsupported verb %\(verb); use %s, %d, %f, %v or %%")
            }
        }
        guard remaining.isEmpty else { throw Failure("format(): \(remaining.count) argument(s) left over for the pattern \"\(pattern)\"") }
        return result
    }
}
