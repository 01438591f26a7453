import TandemCore
import TandemEngine
import Testing
@testable import TandemProvider

/// The plan names the cluster objects a `tandem_replicator` change applies, rolls or deletes.
struct ReplicatorPlanNotesTests {
    private func replicator(runtime: String = "kubernetes", state: String = "running", concurrency: Double = 8, kubernetes: [String: Value] = [:],
                            push: Bool = false) -> Value {
        var settings: [String: Value] = ["namespace": .string("s3"), "image": .string("tandem:1.0"), "replicas": .number(2), "monitor": .bool(true),
                                         "alert_queue_lag": .number(1000)]
        settings.merge(kubernetes) { $1 }
        return .map(["name": .string("ceph_to_aws"), "runtime": .string(runtime), "state": .string(state), "concurrency": .number(concurrency),
                     "kubernetes": .map(settings),
                     "events": .map(["sqs": push ? .null : .map(["queue_url": .string("q")]), "kafka": .null, "http": push ? .map([:]) : .null])])
    }

    @Test func createAndDeleteNameEveryObject() {
        #expect(ReplicatorPlanNotes.notes(action: .create, before: nil, after: replicator()) == [
            "Applies in namespace s3: Secret tandem-ceph-to-aws-config, Deployment tandem-ceph-to-aws, Service tandem-ceph-to-aws, "
                + "PodMonitor tandem-ceph-to-aws, PrometheusRule tandem-ceph-to-aws-alerts.",
        ])
        #expect(ReplicatorPlanNotes.notes(action: .delete, before: replicator(push: true), after: replicator(push: true)).first?
                    .hasSuffix("StatefulSet tandem-ceph-to-aws, Service tandem-ceph-to-aws, PodMonitor tandem-ceph-to-aws, "
                               + "PrometheusRule tandem-ceph-to-aws-alerts, and the pods' journal volumes.") == true)
        #expect(ReplicatorPlanNotes.notes(action: .create, before: nil, after: replicator(runtime: "camel-k"))
                    == ["Applies in namespace s3: Secret tandem-ceph-to-aws-config, Integration tandem-ceph-to-aws."])
        #expect(ReplicatorPlanNotes.notes(action: .create, before: nil, after: replicator(runtime: "local")).isEmpty)
    }

    @Test func updatesSayWhatRollsAndWhatChanges() {
        #expect(ReplicatorPlanNotes.notes(action: .update, before: replicator(), after: replicator(concurrency: 16))
                    == ["Secret tandem-ceph-to-aws-config gets the new configuration; Deployment tandem-ceph-to-aws rolls its pods (configuration hash)."])
        #expect(ReplicatorPlanNotes.notes(action: .update, before: replicator(), after: replicator(kubernetes: ["image": .string("tandem:1.1"), "replicas": .number(3)]))
                    == ["Deployment tandem-ceph-to-aws changes: image tandem:1.0 -> tandem:1.1, replicas 2 -> 3."])
        #expect(ReplicatorPlanNotes.notes(action: .update, before: replicator(), after: replicator(kubernetes: ["alert_queue_lag": .number(500)]))
                    == ["PrometheusRule tandem-ceph-to-aws-alerts changes: alert_queue_lag 1000 -> 500."])
        #expect(ReplicatorPlanNotes.notes(action: .update, before: replicator(), after: replicator(kubernetes: ["monitor": .bool(false)]))
                    == ["PodMonitor tandem-ceph-to-aws and PrometheusRule tandem-ceph-to-aws-alerts are deleted."])
        #expect(ReplicatorPlanNotes.notes(action: .update, before: replicator(), after: replicator(state: "stopped"))
                    == ["Deployment tandem-ceph-to-aws scales to no pods."])
        #expect(ReplicatorPlanNotes.notes(action: .update, before: replicator(state: "stale"), after: replicator())
                    == ["Deployment tandem-ceph-to-aws runs another configuration than Secret tandem-ceph-to-aws-config: its pods roll to it."])
        #expect(ReplicatorPlanNotes.notes(action: .update, before: replicator(runtime: "camel-k"), after: replicator(runtime: "camel-k", concurrency: 4))
                    == ["Secret tandem-ceph-to-aws-config and Integration tandem-ceph-to-aws get the new pipeline; the Camel K operator rebuilds and rolls it."])
    }
}
