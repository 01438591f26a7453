/// radosgw 16.2 keeps a tenant's bucket-notification topics in one object and loses one of two topics created or
/// deleted at the same moment (measured here: 3 of 40 concurrent CreateTopic calls vanished, and a bucket
/// notification naming a lost topic is then refused with NoSuchKey). Tests share one gateway and run in parallel, so
/// every topic change of a test (its own SNS calls, or a `tandem apply`/`destroy` that creates or deletes topics) runs
/// under this process-wide lock. Tandem itself makes its Ceph changes one at a time within a command.
public enum TopicChanges {
    /// The lock of the test process.
    public static let shared = AsyncLock()
}
