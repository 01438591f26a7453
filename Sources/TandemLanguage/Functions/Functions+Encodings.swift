import Crypto
import Foundation
import TandemCore
import Yams

extension Functions {
    /// JSON, YAML, base64 and hashing.
    static let encodings: [String: Implementation] = [
        "jsonencode": { args, _ throws(Failure) in
            try args.expect(1...1)
            do { return .string(try args.values[0].canonicalJSON()) } catch { throw Failure("jsonencode(): \(error)") }
        },
        "jsondecode": { args, _ throws(Failure) in
            try args.expect(1...1)
            do { return try Value(jsonString: try args.string(0)) } catch { throw Failure("jsondecode(): the argument is not valid JSON") }
        },
        "yamlencode": { args, _ throws(Failure) in
            try args.expect(1...1)
            do { return .string(try Yams.dump(object: yamlObject(args.values[0]), sortKeys: true)) } catch { throw Failure("yamlencode(): \(error)") }
        },
        "yamldecode": { args, _ throws(Failure) in
            try args.expect(1...1)
            let (node, diagnostics) = YAMLReader.parse(try args.string(0), file: "yamldecode()")
            if let error = diagnostics.errors.first { throw Failure("yamldecode(): \(error.detail ?? error.summary)") }
            return node.map(yamlValue) ?? .null
        },
        "base64encode": { args, _ throws(Failure) in
            try args.expect(1...1)
            return .string(Data(try args.string(0).utf8).base64EncodedString())
        },
        "base64decode": { args, _ throws(Failure) in
            try args.expect(1...1)
            guard let data = Data(base64Encoded: try args.string(0)), let text = String(data: data, encoding: .utf8) else {
                throw Failure("base64decode(): the argument is not base64-encoded UTF-8 text")
            }
            return .string(text)
        },
        "sha256": { args, _ throws(Failure) in
            try args.expect(1...1)
            return .string(SHA256.hash(data: Data(try args.string(0).utf8)).map { String(format: "%02x", $0) }.joined())
        },
    ]

    /// A value as the plain objects Yams emits.
    private static func yamlObject(_ value: Value) -> Any {
        switch value {
        case .null, .unknown: return NSNull()
        case .bool(let b): return b
        case .number(let n): return value.intValue.map { $0 as Any } ?? n
        case .string(let s): return s
        case .list(let items): return items.map(yamlObject)
        case .map(let entries): return entries.mapValues(yamlObject)
        }
    }
}

/// A YAML document read by `YAMLReader` (alias and nesting limits applied) as a plain value.
private func yamlValue(_ node: SyntaxNode) -> Value {
    switch node.kind {
    case .scalar(let scalar):
        switch scalar.type {
        case .null: return .null
        case .bool: return .bool(["true", "yes", "on", "y"].contains(scalar.text.lowercased()))
        case .number: return Double(scalar.text.replacingOccurrences(of: "_", with: "")).map(Value.number) ?? .string(scalar.text)
        case .string: return .string(scalar.text)
        }
    case .sequence(let items): return .list(items.map(yamlValue))
    case .mapping(let entries): return .map(Dictionary(entries.map { ($0.key, yamlValue($0.value)) }) { first, _ in first })
    }
}
