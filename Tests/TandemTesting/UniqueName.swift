/// Names for resources that cannot collide between tests or runs.
public enum UniqueName {
    /// `prefix` followed by a hyphen and 10 random lower-case letters and digits; valid as an S3
    /// bucket or SQS queue name when `prefix` is (keep it short and lower-case).
    public static func make(_ prefix: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return prefix + "-" + String((0..<10).map { _ in alphabet.randomElement()! })
    }
}
