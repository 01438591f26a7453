import KubernetesClient
import TandemCore
import Testing

/// The managed part of an object, from a FieldsV1 entry in the shape kube-apiserver writes it.
@Suite struct ManagedFieldsTests {
    private let object = try! Value(jsonString: """
    {"apiVersion":"ceph.rook.io/v1","kind":"CephBlockPool",
     "metadata":{"name":"replicapool","namespace":"rook-ceph","uid":"u","labels":{"team":"storage","added-by":"someone"},
       "managedFields":[
         {"manager":"tandem","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":
           {"f:metadata":{"f:labels":{"f:team":{}}},
            "f:spec":{"f:replicated":{"f:size":{}},"f:mirroring":{"f:enabled":{},"f:peers":{"f:secretNames":{}}},
                      "f:containers":{"k:{\\"name\\":\\"a\\"}":{".":{},"f:name":{},"f:image":{}}}}}},
         {"manager":"kubectl-edit","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:added-by":{}}}}}]},
     "spec":{"replicated":{"size":3,"requireSafeReplicaSize":true},"mirroring":{"enabled":true,"mode":"image","peers":{"secretNames":["peer-a"]}},
             "containers":[{"name":"b","image":"other"},{"name":"a","image":"mine","imagePullPolicy":"Always"}]},
     "status":{"phase":"Ready"}}
    """)

    @Test func projectionKeepsOnlyTheManagersFieldsWithIdentity() throws {
        let managed = try #require(ManagedFields(of: object, manager: "tandem"))
        let projected = managed.project(object)
        #expect(projected == (try Value(jsonString: """
        {"apiVersion":"ceph.rook.io/v1","kind":"CephBlockPool",
         "metadata":{"name":"replicapool","namespace":"rook-ceph","labels":{"team":"storage"}},
         "spec":{"replicated":{"size":3},"mirroring":{"enabled":true,"peers":{"secretNames":["peer-a"]}},
                 "containers":[{"name":"a","image":"mine"}]}}
        """)))
        #expect(managed.paths.contains("spec.replicated.size"))
        #expect(!managed.paths.contains(where: { $0.contains("requireSafeReplicaSize") }))
    }

    @Test func anotherManagersUpdateIsNotTandemsAndNoEntryMeansNone() {
        #expect(ManagedFields(of: object, manager: "kubectl-edit") == nil, "only Apply entries count as a manager's own fields")
        #expect(ManagedFields(of: object, manager: "nobody") == nil)
    }
}
