/// Every process the project starts (radosgw-admin, exec credential plugins, the detached replicator, test servers)
/// goes through this target, built on swift-subprocess.
public enum ChildProcess {}
