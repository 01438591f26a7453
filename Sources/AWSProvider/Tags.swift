import TandemCore

/// Tag maps as the clients take them, and the calls that turn one tag set into another.
enum Tags {
    /// The string entries of a `tags` value.
    static func strings(_ value: Value) -> [String: String] {
        (value.mapValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// What to remove and what to set to go from `prior` to `planned`.
    static func change(from prior: Value, to planned: Value) -> (removed: [String], set: [String: String]) {
        let old = strings(prior)
        let new = strings(planned)
        return (Set(old.keys).subtracting(new.keys).sorted(), new.filter { old[$0.key] != $0.value })
    }
}
