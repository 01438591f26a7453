import Foundation

/// One object change an event source reported, decoded for where it came from: the key as the object is really
/// named and the requester as a principal id the loop guard can compare.
public struct ObjectEvent: Sendable, Equatable {
    /// What happened to the key.
    public enum Change: Sendable, Equatable {
        /// `ObjectCreated:*`: the key has (new) content.
        case created
        /// `ObjectRemoved:*`: the key (or one version of it) was deleted.
        case removed
    }

    /// Created or removed.
    public var change: Change
    /// The event name without the `s3:` prefix, e.g. `ObjectCreated:CompleteMultipartUpload`.
    public var name: String
    /// The bucket.
    public var bucket: String
    /// The object key, decoded (AWS form-URL-encodes keys in events; RGW sends them raw).
    public var key: String
    /// The size the event reports, when it does.
    public var size: Int?
    /// The ETag the event reports (without quotes), when it does.
    public var eTag: String?
    /// The version the event is about; nil when unversioned or not reported.
    public var versionID: String?
    /// Who made the request, normalised (`AIDA…`, the `AROA…` part of a role session, or an RGW uid); nil when the
    /// event carries no identity (moto never does).
    public var principal: String?
    /// `aws:s3`, `ceph:s3`, … as the record says.
    public var eventSource: String
    /// When the change happened at the source (the record's `eventTime`), when it says.
    public var time: Date?

    /// Creates an event.
    public init(change: Change, name: String, bucket: String, key: String, size: Int? = nil, eTag: String? = nil,
                versionID: String? = nil, principal: String? = nil, eventSource: String, time: Date? = nil) {
        self.change = change
        self.name = name
        self.bucket = bucket
        self.key = key
        self.size = size
        self.eTag = eTag
        self.versionID = versionID
        self.principal = principal
        self.eventSource = eventSource
        self.time = time
    }
}
