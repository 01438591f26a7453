import Foundation

/// Principal ids as S3 events carry them, in one comparable form.
///
/// AWS sends `AWS:AIDA…` for an IAM user (the unique id, not the name) and `AWS:AROA…:session` for an assumed role
/// (the session name varies, so only the `AROA…` part identifies the role); the documentation's examples omit the
/// `AWS:` prefix. RGW sends the requester's plain uid, without its tenant.
public enum PrincipalID {
    /// `AWS:AIDAX` -> `AIDAX`; `AWS:AROAX:session` -> `AROAX`; `tenant$uid` -> `uid`; anything else as it is.
    public static func normalised(_ principal: String) -> String {
        // Tab and the Unicode space separators, the set `CharacterSet.whitespaces` documents, without bridging to a
        // `CharacterSet` for every event.
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        var scalars = principal.unicodeScalars[...]
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        var text = Substring(scalars)
        if text.hasPrefix("AWS:") { text = text.dropFirst(4) }
        if text.hasPrefix("AROA"), let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        if let dollar = text.lastIndex(of: "$") { text = text[text.index(after: dollar)...] }
        return String(text)
    }
}
