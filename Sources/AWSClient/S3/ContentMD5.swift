import Crypto
import Foundation

/// The `Content-MD5` header S3 requires on several bucket configuration calls
/// (an integrity check, not a security measure).
enum ContentMD5 {
    /// The base64 of the body's MD5 digest.
    static func value(for body: [UInt8]) -> String {
        Data(Insecure.MD5.hash(data: body)).base64EncodedString()
    }
}
