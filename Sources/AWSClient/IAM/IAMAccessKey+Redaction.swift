extension IAMAccessKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key without its secret, so string interpolation, `dump` and test failure messages never show it.
    public var description: String {
        "IAMAccessKey(accessKeyID: \(accessKeyID), userName: \(userName), status: \(status), secretAccessKey: \(secretAccessKey == nil ? "nil" : "****"))"
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// Reflection without the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "userName": userName, "status": status,
                                "secretAccessKey": secretAccessKey == nil ? "nil" : "****"])
    }
}
