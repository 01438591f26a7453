import TandemCore
import TandemEngine

/// Rules several AWS resource types share: IAM names and paths, and policy document sizes (IAM API reference and
/// "IAM and AWS STS quotas").
extension ValueRules {
    /// IAM user and role names: 1 to 64 of letters, digits and `_+=,.@-` (the API's `[\w+=,.@-]+`).
    mutating func iamName(_ path: String, _ what: String) {
        text(path, what, length: 1...64, allowed: Self.isIAMNameCharacter, allowedDescription: "letters, digits and _+=,.@-")
    }

    /// IAM inline policy names: 1 to 128 of the same characters.
    mutating func iamPolicyName(_ path: String) {
        text(path, "An inline policy name", length: 1...128, allowed: Self.isIAMNameCharacter, allowedDescription: "letters, digits and _+=,.@-")
    }

    /// IAM paths: `/` alone, or 1 to 512 characters beginning and ending with `/`, printable ASCII in between.
    mutating func iamPath(_ path: String) {
        guard let written = value(at: path).stringValue else { return }
        text(path, "An IAM path", length: 1...512, allowed: { $0.isASCII && ("!"..."~").contains($0) }, allowedDescription: "printable ASCII characters")
        if !(written == "/" || (written.count >= 2 && written.hasPrefix("/") && written.hasSuffix("/"))) {
            report("An IAM path is \"/\" or begins and ends with \"/\" (such as /replication/), not \"\(Self.excerpt(written))\".", at: path)
        }
    }

    /// An IAM inline policy: at most `maximum` characters not counting white space (IAM's measure), for one policy;
    /// IAM applies the limit to the sum of an identity's inline policies.
    mutating func iamPolicySize(_ path: String, _ what: String, atMost maximum: Int) {
        let document = value(at: path)
        guard document.mapValue != nil, !document.containsUnknown, let json = try? PolicyText.text(document) else { return }
        let counted = json.unicodeScalars.filter { !$0.properties.isWhitespace }.count
        if counted > maximum {
            report("\(what) may have at most \(maximum) characters, not counting white space (IAM's quota, for all of an identity's inline "
                   + "policies together); this one has \(counted).", at: path)
        }
    }

    /// A resource policy sent as JSON text of at most `maximum` bytes.
    mutating func policyBytes(_ path: String, _ what: String, atMost maximum: Int) {
        let document = value(at: path)
        guard document.mapValue != nil, !document.containsUnknown, let json = try? PolicyText.text(document) else { return }
        bytes(of: json, at: path, what, atMost: maximum)
    }

    private static func isIAMNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "_+=,.@-".contains(character))
    }
}
