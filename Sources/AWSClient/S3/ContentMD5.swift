import Crypto
import Foundation
import NIOCore

/// The `Content-MD5` header S3 requires on several bucket configuration calls
/// (an integrity check, not a security measure).
enum ContentMD5 {
    /// The base64 of the body's MD5 digest.
    static func value(for body: ByteBuffer) -> String {
        Data(body.withUnsafeReadableBytes { Insecure.MD5.hash(data: $0) }).base64EncodedString()
    }
}
