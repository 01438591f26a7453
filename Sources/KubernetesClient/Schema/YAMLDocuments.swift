import Foundation
import TandemCore
import Yams

/// Reads a YAML (or JSON) stream of one or more `---`-separated documents into `Value`s, resolving scalars the way
/// Kubernetes' YAML reader does (YAML 1.1: `true`/`yes`/`on` booleans, integers, floats, `null`/`~`; quoted
/// scalars are always strings; timestamps stay strings; `<<` merge keys are applied).
public enum YAMLDocuments {
    /// A document that cannot be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        /// Yams' message, with the line and column.
        public let description: String
    }

    /// The most values a stream may expand to. Aliases are expanded, and an alias of an alias of ... grows
    /// exponentially ("billion laughs"); Rook's 965 KB of CRDs hold about 16,000 values.
    public static let maximumValues = 1_000_000

    /// The documents of `text`, empty ones (a lone `---`, comments only) included as `.null`.
    public static func parse(_ text: String) throws(ReadError) -> [Value] {
        var budget = maximumValues
        do {
            // Parser directly: `compose_all`'s sequence ends quietly at a syntax error and keeps the error aside.
            let parser = try Parser(yaml: text)
            var documents: [Value] = []
            while let node = try parser.nextRoot() {
                documents.append(try value(of: node, budget: &budget))
            }
            return documents
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(description: "\(error)")
        }
    }

    private static func value(of node: Node, budget: inout Int) throws -> Value {
        budget -= 1
        guard budget >= 0 else {
            throw ReadError(description: "the YAML expands to more than \(maximumValues) values (aliases that repeat aliases?)")
        }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar, tag: node.tag)
        case .sequence(let sequence):
            return .list(try sequence.map { try value(of: $0, budget: &budget) })
        case .mapping(let mapping):
            var entries: [String: Value] = [:]
            var merged: [[String: Value]] = []
            for (key, item) in mapping {
                guard let name = key.scalar?.string else {
                    throw ReadError(description: "\(key.mark.map { "\($0): " } ?? "")a map key must be a scalar, not a \(key.sequence != nil ? "list" : "map")")
                }
                if name == "<<", key.scalar?.style == .plain {
                    switch try value(of: item, budget: &budget) {
                    case .map(let source): merged.append(source)
                    case .list(let sources): merged += sources.compactMap(\.mapValue)
                    default: break
                    }
                } else {
                    entries[name] = try value(of: item, budget: &budget)
                }
            }
            for source in merged {
                entries.merge(source) { own, _ in own }
            }
            return .map(entries)
        case .alias:
            // The composer resolves aliases to the anchored node; an alias never reaches here from `compose_all`.
            return .null
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, tag: Tag) -> Value {
        guard scalar.style == .plain else { return .string(scalar.string) }
        switch tag.rawValue {
        case Tag.Name.null.rawValue:
            return .null
        case Tag.Name.bool.rawValue:
            return Bool.construct(from: scalar).map(Value.bool) ?? .string(scalar.string)
        case Tag.Name.int.rawValue:
            if let integer = Int.construct(from: scalar) { return .number(Double(integer)) }
            return Double.construct(from: scalar).map(Value.number) ?? .string(scalar.string)
        case Tag.Name.float.rawValue:
            return Double.construct(from: scalar).map(Value.number) ?? .string(scalar.string)
        default:
            return .string(scalar.string)
        }
    }
}
