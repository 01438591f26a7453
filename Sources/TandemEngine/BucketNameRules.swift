/// The documented bucket naming rules of Amazon S3 (general purpose buckets) and of Ceph RGW (with its default
/// `rgw_relaxed_s3_bucket_names = false`). Both need DNS-style names; S3 also reserves some prefixes and suffixes.
public enum BucketNameRules {
    /// Whose rules apply.
    public enum Service: Sendable {
        /// Amazon S3: 3-63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit, no `..`,
        /// not an IP address, none of the reserved prefixes and suffixes.
        case s3
        /// Ceph RGW: 3-63 characters in labels separated by single dots; each label lowercase letters, digits and
        /// `-`, starting and ending with a letter or digit; not an IP address.
        case rgw
    }

    /// Prefixes Amazon S3 reserves.
    static let reservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"]
    /// Suffixes Amazon S3 reserves (access point aliases, Object Lambda access point aliases, Multi-Region Access Points).
    static let reservedSuffixes = ["-s3alias", "--ol-s3", ".mrap"]

    /// The rules `name` breaks, each stated as the rule; empty when the name is valid.
    public static func violations(of name: String, service: Service) -> [String] {
        if isPlainValidName(name, service: service) { return [] }
        var broken: [String] = []
        if !(3...63).contains(name.count) {
            broken.append("must have 3 to 63 characters (it has \(name.count))")
        }
        if let bad = name.first(where: { !(isLowercaseLetterOrDigit($0) || $0 == "." || $0 == "-") }) {
            broken.append("may contain only lowercase letters, digits, dots and hyphens (not \(ValueRules.quote(bad)))")
        }
        if let first = name.first, let last = name.last, !isLowercaseLetterOrDigit(first) || !isLowercaseLetterOrDigit(last) {
            broken.append("must begin and end with a lowercase letter or digit")
        }
        if name.contains("..") {
            broken.append("must not contain two adjacent dots")
        }
        if isIPv4Address(name) {
            broken.append("must not be formatted as an IP address")
        }
        switch service {
        case .s3:
            if let prefix = reservedPrefixes.first(where: { name.hasPrefix($0) }) {
                broken.append("must not start with \(prefix) (reserved by S3)")
            }
            if let suffix = reservedSuffixes.first(where: { name.hasSuffix($0) }) {
                broken.append("must not end with \(suffix) (reserved by S3)")
            }
        case .rgw:
            if name.contains(".-") || name.contains("-.") {
                broken.append("must not have a hyphen next to a dot (each dot-separated label begins and ends with a letter or digit)")
            }
        }
        return broken
    }

    /// True for a name of 3 to 63 lowercase ASCII letters, digits, dots and hyphens that breaks none of the rules,
    /// checked on its bytes: nearly every name, and a plan checks thousands. Anything else goes through the
    /// rules above, which also say what is wrong.
    private static func isPlainValidName(_ name: String, service: Service) -> Bool {
        let bytes = name.utf8
        func isLowercaseLetterOrDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last,
              isLowercaseLetterOrDigit(first), isLowercaseLetterOrDigit(last) else { return false }
        var previous: UInt8 = 0
        var onlyDigitsAndDots = true
        for byte in bytes {
            let dot = byte == UInt8(ascii: "."), hyphen = byte == UInt8(ascii: "-")
            guard isLowercaseLetterOrDigit(byte) || dot || hyphen else { return false }
            if dot, previous == UInt8(ascii: ".") { return false }
            if service == .rgw, (dot && previous == UInt8(ascii: "-")) || (hyphen && previous == UInt8(ascii: ".")) { return false }
            if !dot, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { onlyDigitsAndDots = false }
            previous = byte
        }
        if onlyDigitsAndDots, isIPv4Address(name) { return false }
        if service == .s3, reservedPrefixes.contains(where: { name.hasPrefix($0) }) || reservedSuffixes.contains(where: { name.hasSuffix($0) }) {
            return false
        }
        return true
    }

    private static func isLowercaseLetterOrDigit(_ character: Character) -> Bool {
        character.isASCII && (character.isLowercase || character.isNumber)
    }

    /// Four dot-separated decimal numbers of at most three digits, such as 192.168.5.4.
    private static func isIPv4Address(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(\.isNumber) }
    }
}

extension ValueRules {
    /// A bucket name by `service`'s rules.
    public mutating func bucketName(_ path: String, service: BucketNameRules.Service) {
        guard let name = value(at: path).stringValue else { return }
        let broken = BucketNameRules.violations(of: name, service: service)
        guard !broken.isEmpty else { return }
        let owner = service == .s3 ? "S3" : "RGW"
        report("\"\(Self.excerpt(name))\" is not a valid \(owner) bucket name: it \(broken.joined(separator: "; it ")).", at: path)
    }
}
