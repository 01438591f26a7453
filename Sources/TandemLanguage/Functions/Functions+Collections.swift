import TandemCore

extension Functions {
    /// List and map functions.
    static let collections: [String: Implementation] = [
        "length": { args, _ throws(Failure) in
            try args.expect(1...1)
            switch args.values[0] {
            case .list(let items): return .number(Double(items.count))
            case .map(let entries): return .number(Double(entries.count))
            case .string(let s): return .number(Double(s.count))
            default: throw Failure("length(): expected a list, map or string, got \(args.values[0].typeName)")
            }
        },
        "concat": { args, _ throws(Failure) in
            var result: [Value] = []
            for index in 0..<args.count { result += try args.list(index) }
            return .list(result)
        },
        "merge": { args, _ throws(Failure) in
            var result: [String: Value] = [:]
            for index in 0..<args.count where args.values[index] != .null {
                result.merge(try args.map(index)) { _, later in later }
            }
            return .map(result)
        },
        "lookup": { args, _ throws(Failure) in
            try args.expect(2...3)
            let key = try args.string(1)
            if let value = try args.map(0)[key] { return value }
            guard args.count == 3 else { throw Failure("lookup(): the map has no key \"\(key)\" and no default was given") }
            return args.values[2]
        },
        "keys": { args, _ throws(Failure) in
            try args.expect(1...1)
            return .list(try args.map(0).keys.sorted().map(Value.string))
        },
        "values": { args, _ throws(Failure) in
            try args.expect(1...1)
            return .list(try args.map(0).sorted { $0.key < $1.key }.map(\.value))
        },
        "contains": { args, _ throws(Failure) in
            try args.expect(2...2)
            return .bool(try args.list(0).contains(args.values[1]))
        },
        "distinct": { args, _ throws(Failure) in
            try args.expect(1...1)
            var seen: Set<Value> = []
            return .list(try args.list(0).filter { seen.insert($0).inserted })
        },
        "flatten": { args, _ throws(Failure) in
            try args.expect(1...1)
            func flat(_ items: [Value]) -> [Value] {
                items.flatMap { item -> [Value] in
                    if case .list(let inner) = item { return flat(inner) }
                    return [item]
                }
            }
            return .list(flat(try args.list(0)))
        },
        "coalesce": { args, _ throws(Failure) in
            try args.expectAtLeast(1)
            guard let first = args.values.first(where: { $0 != .null && $0 != .string("") }) else {
                throw Failure("coalesce(): every argument is null or empty")
            }
            return first
        },
    ]
}
