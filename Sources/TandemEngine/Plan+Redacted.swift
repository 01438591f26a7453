import TandemCore

extension Plan {
    /// The marker that replaces sensitive values in every rendering.
    public static let sensitiveMarker: Value = .string("(sensitive value)")

    /// The plan with every sensitive attribute, output and variable value masked: what `--json` prints and what the
    /// human plan is rendered from, so neither can leak a secret.
    public func redacted() -> Plan {
        var copy = self
        copy.variables = variables.reduce(into: [:]) { result, entry in
            result[entry.key] = sensitiveVariables.contains(entry.key) ? Self.sensitiveMarker : entry.value
        }
        copy.resourceChanges = resourceChanges.map(Self.mask)
        copy.deposedDeletes = deposedDeletes.map(Self.mask)
        copy.drift = drift.map { drift in
            var drift = drift
            drift.attributeChanges = drift.attributeChanges.map(Self.mask)
            return drift
        }
        copy.outputChanges = outputChanges.map { output in
            guard output.sensitive else { return output }
            var output = output
            output.before = output.before.map { _ in Self.sensitiveMarker }
            output.after = output.after.map { _ in PlannedValue(Self.sensitiveMarker) }
            return output
        }
        // Only apply needs the refreshed attributes and data source values; drift already shows what differs.
        copy.refreshedState = [:]
        copy.dataSources = [:]
        return copy
    }

    private static func mask(_ change: ResourceChange) -> ResourceChange {
        // Nothing to mask: the change as it is, sharing its storage (rebuilding the lists of every change of a large
        // plan took as much memory again as the plan).
        guard !change.sensitiveAttributes.isEmpty || change.attributeChanges.contains(where: \.sensitive) else { return change }
        var change = change
        let paths = Set(change.sensitiveAttributes)
        change.before = change.before.map { Self.mask($0, paths: paths) }
        change.after = change.after.map { planned in
            var planned = planned
            planned.known = Self.mask(planned.known, paths: paths)
            return planned
        }
        change.attributeChanges = change.attributeChanges.map(Self.mask)
        return change
    }

    private static func mask(_ change: AttributeChange) -> AttributeChange {
        guard change.sensitive else { return change }
        var change = change
        change.before = change.before.map { $0 == .null ? .null : sensitiveMarker }
        change.after = change.after.map { $0 == .null && change.afterUnknown == .bool(false) ? .null : sensitiveMarker }
        change.afterUnknown = .bool(false)
        return change
    }

    /// Masks the values at dotted `paths` (and everything inside them) in an attribute object.
    public static func mask(_ value: Value, paths: Set<String>, prefix: String = "") -> Value {
        guard !paths.isEmpty, case .map(let entries) = value else { return value }
        return .map(entries.reduce(into: [:]) { result, entry in
            let path = prefix.isEmpty ? entry.key : "\(prefix).\(entry.key)"
            if paths.contains(path), entry.value != .null {
                result[entry.key] = sensitiveMarker
            } else {
                result[entry.key] = mask(entry.value, paths: paths, prefix: path)
            }
        })
    }
}
