import KubernetesClient
import TandemCore
import Testing

/// Readiness per kind, on objects shaped as their controllers write them.
@Suite struct ReadinessTests {
    private func object(_ json: String) throws -> Value { try Value(jsonString: json) }

    @Test func aDeploymentIsReadyOnceEveryReplicaOfTheCurrentGenerationIsAvailable() throws {
        let rule = Readiness(apiVersion: "apps/v1", kind: "Deployment")
        let rolledOut = try object(#"{"metadata":{"generation":3},"spec":{"replicas":2},"status":{"observedGeneration":3,"replicas":2,"updatedReplicas":2,"availableReplicas":2}}"#)
        #expect(rule.isReady(rolledOut))
        let oldGeneration = try object(#"{"metadata":{"generation":4},"spec":{"replicas":2},"status":{"observedGeneration":3,"replicas":2,"updatedReplicas":2,"availableReplicas":2}}"#)
        #expect(!rule.isReady(oldGeneration), "the controller has not seen the new template yet")
        let rolling = try object(#"{"metadata":{"generation":3},"spec":{"replicas":2},"status":{"observedGeneration":3,"replicas":3,"updatedReplicas":2,"availableReplicas":2}}"#)
        #expect(!rule.isReady(rolling), "an old replica is still running")
        let unavailable = try object(#"{"metadata":{"generation":3},"spec":{"replicas":2},"status":{"observedGeneration":3,"replicas":2,"updatedReplicas":2,"availableReplicas":1}}"#)
        #expect(!rule.isReady(unavailable))
        #expect(rule.expectation.contains("updated and available"))
    }

    @Test func operatorsPhasesAndGenericConditions() throws {
        #expect(Readiness(apiVersion: "ceph.rook.io/v1", kind: "CephObjectRealm").isReady(try object(#"{"status":{"phase":"Connected"}}"#)))
        #expect(!Readiness(apiVersion: "ceph.rook.io/v1", kind: "CephObjectStore").isReady(try object(#"{"status":{"phase":"Progressing"}}"#)))
        #expect(Readiness(apiVersion: "camel.apache.org/v1", kind: "Integration").isReady(try object(#"{"status":{"phase":"Running"}}"#)))
        #expect(Readiness(apiVersion: "velero.io/v1", kind: "BackupStorageLocation").isReady(try object(#"{"status":{"phase":"Available"}}"#)))
        let crd = Readiness(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition")
        #expect(crd.isReady(try object(#"{"status":{"conditions":[{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"True"}]}}"#)))
        #expect(!crd.isReady(try object(#"{"status":{"conditions":[{"type":"Established","status":"False"}]}}"#)))
        let generic = Readiness(apiVersion: "volsync.backube/v1alpha1", kind: "ReplicationSource")
        #expect(generic.isReady(try object(#"{"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#)))
        #expect(!generic.isReady(try object(#"{"status":{}}"#)))
    }
}
