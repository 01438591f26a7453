import TandemCore

extension CustomResourceDefinition {
    /// Checks a custom resource as the API server would before storing it, and reports what it would refuse or
    /// silently drop: `apiVersion` (a served version of this CRD's group) and `kind`, `metadata` (types, name,
    /// namespace against the scope, labels, annotations), then everything else against the version's
    /// `openAPIV3Schema`, including unknown fields (which a v1.20 API server prunes without a word).
    ///
    /// Values that are `unknown` (known only after apply) are never violations. An empty result means the object
    /// conforms. Schemas are compiled when the CRD is read, so this only walks `object`.
    public func validate(_ object: Value) -> [SchemaViolation] {
        guard case .map = object else {
            return object == .unknown ? [] : [SchemaViolation(path: [], message: "a \(names.kind) must be a map, not \(SchemaValidator.describe(object))")]
        }
        var violations: [SchemaViolation] = []
        let version = servedVersion(for: object["apiVersion"], into: &violations)
        violations += kindViolations(object["kind"])
        violations += metadataViolations(object["metadata"])
        if let schema = version?.schema {
            var validator = SchemaValidator(rootIsObject: true)
            validator.validate(object, against: schema, at: [])
            violations += validator.violations
        }
        return violations
    }

    /// The version `apiVersion` names, or nil (with a violation unless it is unknown) when this CRD does not serve it.
    private func servedVersion(for apiVersion: Value, into violations: inout [SchemaViolation]) -> Version? {
        let served = servedAPIVersions.joined(separator: ", ")
        switch apiVersion {
        case .unknown:
            return nil
        case .null:
            violations.append(SchemaViolation(path: [], message: "missing required field \"apiVersion\" (\(names.kind) is served as \(served))"))
            return nil
        case .string(let text):
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] == group, let version = version(named: parts[1]), version.served { return version }
            violations.append(SchemaViolation(path: ["apiVersion"], message: "\(SchemaValidator.quoted(text)) is not served for \(names.kind); use \(served)"))
            return nil
        default:
            violations.append(SchemaViolation(path: ["apiVersion"], message: "must be a string such as \(servedAPIVersions.first ?? group), not \(SchemaValidator.describe(apiVersion))"))
            return nil
        }
    }

    private func kindViolations(_ kind: Value) -> [SchemaViolation] {
        switch kind {
        case .unknown:
            return []
        case .null:
            return [SchemaViolation(path: [], message: "missing required field \"kind\" (\(names.kind))")]
        case .string(let text) where text == names.kind:
            return []
        default:
            return [SchemaViolation(path: ["kind"], message: "must be \"\(names.kind)\" for \(name), not \(SchemaValidator.describe(kind))")]
        }
    }

    private func metadataViolations(_ metadata: Value) -> [SchemaViolation] {
        guard metadata != .null else { return [SchemaViolation(path: [], message: "missing required field \"metadata\" (with at least a name)")] }
        var violations = ObjectEnvelopeRules.metadataViolations(metadata, at: ["metadata"], requiresName: true)
        if scope == .cluster, let namespace = metadata["namespace"].stringValue, !namespace.isEmpty {
            violations.append(SchemaViolation(path: ["metadata", "namespace"], message: "must not be set: \(names.kind) is cluster-scoped (the API server would drop it)"))
        }
        return violations
    }
}
