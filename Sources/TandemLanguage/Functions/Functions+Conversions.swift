import TandemCore

extension Functions {
    /// Type conversions.
    static let conversions: [String: Implementation] = [
        "tostring": { args, _ throws(Failure) in
            try args.expect(1...1)
            if args.values[0] == .null { return .null }
            return .string(try args.string(0))
        },
        "tonumber": { args, _ throws(Failure) in
            try args.expect(1...1)
            if args.values[0] == .null { return .null }
            return .number(try args.number(0))
        },
        "tolist": { args, _ throws(Failure) in
            try args.expect(1...1)
            return .list(try args.list(0))
        },
        "toset": { args, _ throws(Failure) in
            // Sets are lists without duplicates, in a stable (sorted) order so plans do not churn.
            try args.expect(1...1)
            // Each item's text once, not once per comparison.
            let items = Set(try args.list(0)).map { (text: $0.asTemplateString ?? "", value: $0) }
            return .list(items.sorted { $0.text < $1.text }.map(\.value))
        },
    ]
}
