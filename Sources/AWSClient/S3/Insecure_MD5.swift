import Crypto

/// MD5 for the `Content-MD5` integrity header S3 requires on some calls; not used for security.
enum Insecure_MD5 {
    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        Array(Insecure.MD5.hash(data: bytes))
    }
}
