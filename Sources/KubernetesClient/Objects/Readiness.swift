import TandemCore

/// When an object is ready, per kind: a CRD is `Established`, a Rook object's `status.phase` is `Ready` or
/// `Connected`, a Camel K Integration is `Running`, an ObjectBucketClaim `Bound`, a Velero BackupStorageLocation
/// `Available`, a Namespace `Active`, a Deployment or StatefulSet rolled out (every replica updated and available for
/// the current generation, no old one left); anything else with `status.conditions` is ready when its `Ready` condition is true.
public struct Readiness: Sendable, Equatable {
    /// What readiness means for the kind, for messages ("status.phase Ready or Connected").
    public let expectation: String
    private let check: Check

    private enum Check: Equatable {
        case condition(String)
        case phase([String])
        case rollout
    }

    /// The rule for `apiVersion`/`kind`.
    public init(apiVersion: String, kind: String) {
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        switch (group, kind) {
        case ("apiextensions.k8s.io", "CustomResourceDefinition"): check = .condition("Established")
        case ("ceph.rook.io", _): check = .phase(["Ready", "Connected"])
        case ("camel.apache.org", "Integration"): check = .phase(["Running"])
        case ("objectbucket.io", "ObjectBucketClaim"): check = .phase(["Bound"])
        case ("velero.io", "BackupStorageLocation"): check = .phase(["Available"])
        case ("", "Namespace"): check = .phase(["Active"])
        case ("apps", "Deployment"), ("apps", "StatefulSet"): check = .rollout
        default: check = .condition("Ready")
        }
        switch check {
        case .condition(let type): expectation = "condition \(type)=True"
        case .phase(let phases): expectation = "status.phase " + phases.joined(separator: " or ")
        case .rollout: expectation = "every replica updated and available, for the current generation"
        }
    }

    /// True when `object` is ready.
    public func isReady(_ object: Value) -> Bool {
        switch check {
        case .phase(let phases):
            return object["status"]["phase"].stringValue.map(phases.contains) ?? false
        case .condition(let type):
            return (object["status"]["conditions"].listValue ?? []).contains {
                $0["type"].stringValue == type && $0["status"].stringValue == "True"
            }
        case .rollout:
            let status = object["status"], wanted = object["spec"]["replicas"].intValue ?? 1
            return (status["observedGeneration"].intValue ?? -1) >= (object["metadata"]["generation"].intValue ?? 0)
                && (status["updatedReplicas"].intValue ?? 0) >= wanted
                // StatefulSets report availableReplicas from Kubernetes 1.22 on; readyReplicas before.
                && (status["availableReplicas"].intValue ?? status["readyReplicas"].intValue ?? 0) >= wanted
                && (status["replicas"].intValue ?? 0) <= wanted
        }
    }
}

extension KubernetesClient {
    /// Calls `probe` until it returns a value, pausing 100 ms at first and up to 2 s between calls; nil when `timeout`
    /// passes first.
    public static func poll<T: Sendable>(timeout: Duration, _ probe: () async throws -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        var pause: Duration = .milliseconds(100)
        while true {
            if let found = try await probe() { return found }
            guard ContinuousClock.now + pause < deadline else { return nil }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }

    /// Waits until the object is ready by its kind's ``Readiness`` rule; on timeout the error quotes the last status seen.
    public func waitUntilReady(_ reference: ObjectReference, timeout: Duration) async throws -> Value {
        let rule = Readiness(apiVersion: reference.apiVersion, kind: reference.kind)
        var last: Value?
        let ready = try await Self.poll(timeout: timeout) { () async throws -> Value? in
            last = try await get(reference)
            return last.flatMap { rule.isReady($0) ? $0 : nil }
        }
        if let ready { return ready }
        let status = (try? last?["status"].canonicalJSON()) ?? "none"
        throw KubernetesWaitError("\(reference) was not ready (\(rule.expectation)) within \(timeout); "
                                  + (last == nil ? "it does not exist" : "last status: \(status)"))
    }

    /// Waits until the object no longer exists; on timeout the error names its pending finalizers.
    public func waitUntilGone(_ reference: ObjectReference, timeout: Duration) async throws {
        var last: Value?
        let gone = try await Self.poll(timeout: timeout) { () async throws -> Bool? in
            last = try await get(reference)
            return last == nil ? true : nil
        }
        if gone != nil { return }
        let finalizers = (last?["metadata"]["finalizers"].listValue ?? []).compactMap(\.stringValue)
        throw KubernetesWaitError("\(reference) still exists \(timeout) after its deletion"
                                  + (finalizers.isEmpty ? "" : "; finalizers still pending: \(finalizers.joined(separator: ", ")) (their controller must run)"))
    }
}

/// A wait that timed out.
public struct KubernetesWaitError: Error, Sendable, CustomStringConvertible {
    /// What was awaited and what was last seen.
    public let description: String

    init(_ description: String) { self.description = description }
}
