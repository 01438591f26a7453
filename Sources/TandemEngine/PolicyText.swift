import TandemCore

/// Policy documents between the configuration's normal form and the JSON text S3, SQS, IAM and RGW take and return.
public enum PolicyText {
    /// The JSON text to send for a normalized document.
    public static func text(_ document: Value) throws -> String {
        guard document.mapValue != nil, !document.containsUnknown else {
            throw ProviderError("The policy document is not known yet; make a new plan")
        }
        return try document.canonicalJSON()
    }

    /// A document as a service returned it, in normal form; text that is not a policy is kept as a string, so
    /// the plan shows it instead of hiding a difference.
    public static func read(_ text: String?) -> Value {
        guard let text, !text.isEmpty else { return .null }
        return PolicyDocument.normalized(json: text) ?? .string(text)
    }
}
