import Crypto
import Foundation
import NIOHTTP1

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for request headers.
///
/// A value type with no clock of its own: the caller passes the signing date, so the
/// result is reproducible (and checked against AWS's published test vectors).
public struct SigV4Signer: Sendable {
    /// How the canonical request is built; differs between S3 and every other service.
    public struct Options: Sendable, Equatable {
        /// Percent-encode each segment of the (already encoded) wire path again. Every service but S3
        /// expects this; AWS's test suite calls it double encoding.
        public var doubleEncodePath: Bool
        /// Remove `.` and `..` segments and empty segments from the path before encoding (every service but S3).
        public var normalizePath: Bool
        /// Send the payload hash as `x-amz-content-sha256` and sign it (required by S3).
        public var includesContentSHA256Header: Bool

        /// Creates options.
        public init(doubleEncodePath: Bool, normalizePath: Bool, includesContentSHA256Header: Bool) {
            self.doubleEncodePath = doubleEncodePath
            self.normalizePath = normalizePath
            self.includesContentSHA256Header = includesContentSHA256Header
        }

        /// The rules for every service but S3.
        public static let standard = Options(doubleEncodePath: true, normalizePath: true, includesContentSHA256Header: false)
        /// The rules for S3: the path is used as sent, and `x-amz-content-sha256` is sent.
        public static let s3 = Options(doubleEncodePath: false, normalizePath: false, includesContentSHA256Header: true)
    }

    /// The keys to sign with.
    public var credentials: AWSCredentials
    /// The region in the credential scope.
    public var region: String
    /// The signing name of the service in the credential scope (`s3`, `sqs`, `sts`, `iam`).
    public var service: String
    /// Canonicalisation rules.
    public var options: Options
    /// The signing key last derived, shared by the copies of this signer.
    private let derivedKeys = DerivedSigningKeys()

    /// Creates a signer; `options` default to ``Options/s3`` for the `s3` service and ``Options/standard`` otherwise.
    public init(credentials: AWSCredentials, region: String, service: String, options: Options? = nil) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options ?? (service == "s3" ? .s3 : .standard)
    }

    /// The hash AWS uses for an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private static let unsignedHeaderNames: Set<String> = ["authorization", "user-agent", "content-length", "expect", "x-amzn-trace-id"]

    /// Signs `request` as of `date`.
    public func sign(_ request: SigV4Request, date: Date) -> SigV4Signature {
        let timestamp = SigV4Date(date)
        let payloadHash: String
        switch request.payload {
        case .bytes(let bytes): payloadHash = Self.hexSHA256(bytes)
        case .sha256Hex(let hash): payloadHash = hash
        case .unsigned: payloadHash = "UNSIGNED-PAYLOAD"
        }

        var headers = request.headers
        headers.replaceOrAdd(name: "x-amz-date", value: timestamp.dateTime)
        if let token = credentials.sessionToken {
            headers.replaceOrAdd(name: "x-amz-security-token", value: token)
        }
        if options.includesContentSHA256Header {
            headers.replaceOrAdd(name: "x-amz-content-sha256", value: payloadHash)
        }

        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            request.method.uppercased(),
            canonicalURI(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(timestamp.date)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            timestamp.dateTime,
            scope,
            Self.hexSHA256(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")

        let signature = Self.hex(HMAC<SHA256>.authenticationCode(
            for: Array(stringToSign.utf8), using: signingKey(date: timestamp.date)))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        headers.replaceOrAdd(name: "authorization", value: authorization)

        return SigV4Signature(
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signature: signature,
            authorization: authorization,
            headers: headers)
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`, derived once a day: five
    /// HMACs per request were the largest part of signing one (and a tenth of a small object's copy).
    func signingKey(date: String) -> SymmetricKey {
        let scope = DerivedSigningKeys.Scope(date: date, region: region, service: service, secret: credentials.secretAccessKey)
        return derivedKeys.key(for: scope) { deriveSigningKey(date: date) }
    }

    private func deriveSigningKey(date: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    func canonicalURI(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath {
            path = Self.normalize(path)
        }
        guard options.doubleEncodePath else { return path }
        return PercentEncoding.encode(path, keepingSlashes: true)
    }

    /// Resolves `.` and `..`, drops empty segments, and keeps a trailing slash.
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let joined = "/" + segments.joined(separator: "/")
        return (path.hasSuffix("/") && !segments.isEmpty) ? joined + "/" : joined
    }

    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map {
            (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value))
        }
        let sorted = encoded.sorted { (left, right) -> Bool in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Lower-cased names, sorted; values trimmed with inner runs of spaces collapsed; repeated
    /// headers joined with commas in the order given.
    static func canonicalHeaders(_ headers: HTTPHeaders) -> (canonical: String, signed: String) {
        var signed: [(name: String, value: String)] = []
        signed.reserveCapacity(headers.count)
        for (name, value) in headers {
            let lowered = name.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) ? name.lowercased() : name
            guard !unsignedHeaderNames.contains(lowered) else { continue }
            signed.append((lowered, collapseSpaces(value)))
        }
        // Stable, so repeated headers keep the order given.
        let sorted = signed.enumerated().sorted { $0.element.name != $1.element.name ? $0.element.name < $1.element.name : $0.offset < $1.offset }
        var canonical = "", names = ""
        for (index, header) in sorted.map(\.element).enumerated() {
            if index > 0, sorted[index - 1].element.name == header.name {
                canonical.removeLast()
                canonical += ",\(header.value)\n"
                continue
            }
            canonical += "\(header.name):\(header.value)\n"
            names += names.isEmpty ? header.name : ";" + header.name
        }
        return (canonical, names)
    }

    /// `value` trimmed, inner runs of spaces and tabs as one space; as it is when there is nothing to collapse.
    private static func collapseSpaces(_ value: String) -> String {
        let bytes = value.utf8
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var previousBlank = true  // a leading blank is trimmed
        var untouched = !bytes.isEmpty
        for byte in bytes {
            if byte == UInt8(ascii: "\t") || blank(byte) && previousBlank { untouched = false; break }
            previousBlank = blank(byte)
        }
        if untouched && !previousBlank || bytes.isEmpty { return value }
        return value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func hexSHA256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static let lowerHexDigits = Array("0123456789abcdef".utf8)

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var bytes: [UInt8] = []
        for byte in digest {
            bytes.append(lowerHexDigits[Int(byte >> 4)])
            bytes.append(lowerHexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The two renderings of the signing time: `20150830T123600Z` and `20150830` (UTC).
struct SigV4Date: Sendable {
    let dateTime: String
    let date: String

    init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        self.date = pad(year, 4) + pad(month, 2) + pad(day, 2)
        let time = pad(secondOfDay / 3600, 2) + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2)
        self.dateTime = "\(self.date)T\(time)Z"
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// The signing key of the latest scope (date, region, service and secret), shared by the copies of a signer: it
/// changes once a day, so nearly every request finds it here. (`@unchecked`: `latest` is only touched under `lock`;
/// a `Mutex` will not hand out swift-crypto's `SymmetricKey`, which is not declared `Sendable`.)
final class DerivedSigningKeys: @unchecked Sendable {
    /// What a signing key is derived from.
    struct Scope: Equatable {
        var date: String, region: String, service: String, secret: String
    }

    private let lock = NSLock()
    private var latest: (scope: Scope, key: SymmetricKey)?

    /// The key of `scope`, derived by `derive` when it is not the latest one.
    func key(for scope: Scope, derive: () -> SymmetricKey) -> SymmetricKey {
        if let latest = lock.withLock({ latest }), latest.scope == scope { return latest.key }
        let key = derive()
        lock.withLock { latest = (scope, key) }
        return key
    }
}
