import Foundation
import KubernetesClient
import TandemCore
import Testing

/// Custom resources checked against the real CRDs of `../shared/crds`.
@Suite struct CustomResourceValidationTests {
    @Test(arguments: try SharedCRDs.sampleFiles())
    func upstreamSamplesConform(file: String) throws {
        let catalog = try SharedCRDs.catalog()
        let objects = try SharedCRDs.samples(in: file)
        #expect(!objects.isEmpty)
        for object in objects {
            let apiVersion = object["apiVersion"].stringValue ?? "", kind = object["kind"].stringValue ?? ""
            let definition = try #require(catalog.definition(apiVersion: apiVersion, kind: kind), "no CRD for \(apiVersion) \(kind)")
            let violations = definition.validate(object)
            #expect(violations.isEmpty, "\(file) \(kind): \(violations.map(\.description))")
        }
    }

    @Test func blockPoolMistakesAreReportedAtTheirFields() throws {
        let pool = try Self.object("""
            apiVersion: ceph.rook.io/v1
            kind: CephBlockPool
            metadata:
              name: replicapool
              namespace: rook-ceph
            spec:
              failureDomian: host
              replicated:
                size: "3"
                hybridStorage:
                  primaryDeviceClass: ssd
              mirroring:
                enabled: true
                mode: images
                snapshotSchedules:
                - interval: 24h
                - intervl: 12h
              quotas:
                maxSize: 10GB
            """)
        let violations = try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephBlockPool").validate(pool)
        #expect(violations.map(\.path) == [
            ["spec", "failureDomian"], ["spec", "mirroring", "mode"], ["spec", "mirroring", "snapshotSchedules", 1, "intervl"],
            ["spec", "quotas", "maxSize"], ["spec", "replicated", "hybridStorage"], ["spec", "replicated", "size"],
        ])
        #expect(violations.map(\.description) == [
            #"spec.failureDomian: unknown field "failureDomian" (the API server would drop it); did you mean spec.failureDomain?"#,
            #"spec.mirroring.mode: unsupported value "images"; did you mean "image"? Supported values: "pool", "image", "init-only""#,
            #"spec.mirroring.snapshotSchedules[1].intervl: unknown field "intervl" (the API server would drop it); did you mean spec.mirroring.snapshotSchedules[1].interval?"#,
            #"spec.quotas.maxSize: "10GB" does not match the pattern ^[0-9]+[\.]?[0-9]*([KMGTPE]i|[kMGTPE])?$"#,
            #"spec.replicated.hybridStorage: missing required field "secondaryDeviceClass""#,
            #"spec.replicated.size: must be an integer, not the string "3""#,
        ])
    }

    @Test func intOrStringQuantities() throws {
        let mirror = try Self.object("""
            apiVersion: ceph.rook.io/v1
            kind: CephRBDMirror
            metadata: {name: mirror, namespace: rook-ceph}
            spec:
              count: 1
              resources:
                limits: {memory: 1Gib, cpu: 2}
                requests: {cpu: [1], memory: 512Mi}
            """)
        let violations = try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephRBDMirror").validate(mirror)
        #expect(violations.map(\.description) == [
            #"spec.resources.limits.memory: "1Gib" does not match the pattern ^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"#,
            "spec.resources.requests.cpu: must be an integer or a string, not a list",
        ])
    }

    @Test func integrationTraitsAreCheckedAndFlowsPreserved() throws {
        let integration = try Self.object("""
            apiVersion: camel.apache.org/v1
            kind: Integration
            metadata: {name: example}
            spec:
              replicas: 1.5
              flows:
              - from: {uri: "timer:tick", anything: goes}
              traits:
                container:
                  imagePullPolicy: always
                  port: 99999999999
                  prot: 80
            """)
        let violations = try SharedCRDs.definition(group: "camel.apache.org", kind: "Integration").validate(integration)
        #expect(violations.map(\.description) == [
            "spec.replicas: must be an integer, not the number 1.5",
            #"spec.traits.container.imagePullPolicy: unsupported value "always"; did you mean "Always"? Supported values: "Always", "Never", "IfNotPresent""#,
            "spec.traits.container.port: 99999999999 does not fit in a 32-bit integer (-2147483648 to 2147483647); the API server would store it, the controller could not read it",
            #"spec.traits.container.prot: unknown field "prot" (the API server would drop it); did you mean spec.traits.container.port?"#,
        ])
    }

    @Test func duplicateListEntriesAndEncodedContent() throws {
        let integration = try Self.object("""
            apiVersion: camel.apache.org/v1
            kind: Integration
            metadata: {name: example}
            spec:
              sources: [{name: a.groovy, rawContent: "not base64!"}]
              template:
                spec:
                  containers:
                  - name: c
                    env: [{name: A, value: "1"}, {name: A, value: "2"}]
            """)
        #expect(try SharedCRDs.definition(group: "camel.apache.org", kind: "Integration").validate(integration).map(\.description) == [
            #"spec.sources[0].rawContent: "not base64!" is not base64-encoded data"#,
            #"spec.template.spec.containers[0].env[1]: duplicate entry with name="A": entries must differ in name"#,
        ])
        let user = try Self.object("""
            apiVersion: ceph.rook.io/v1
            kind: CephObjectStoreUser
            metadata: {name: u, namespace: rook-ceph}
            spec: {store: s, opMask: [read, read]}
            """)
        #expect(try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephObjectStoreUser").validate(user).map(\.description) == [
            #"spec.opMask[1]: duplicate entry "read": the list is a set"#,
        ])
    }

    /// Nulls the server prunes (declared, not nullable) count as absent; a null list element is refused.
    @Test func nullsAsTheServerPrunesThem() throws {
        let pool = try Self.object("""
            apiVersion: ceph.rook.io/v1
            kind: CephBlockPool
            metadata: {name: pool, namespace: rook-ceph, creationTimestamp: null}
            spec:
              replicated: {size: null, requireSafeReplicaSize: null}
              parameters: {compression_mode: null}
              quotas: null
              mirroring: {snapshotSchedules: [null]}
            """)
        #expect(try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephBlockPool").validate(pool).map(\.description) == [
            "spec.mirroring.snapshotSchedules[0]: must not be null: give a value or leave the field out",
            #"spec.replicated: missing required field "size""#,
        ])
    }

    @Test func envelopeOfTheObject() throws {
        let store = try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephObjectStore")
        let wrongVersion = try Self.object("""
            apiVersion: ceph.rook.io/v2
            kind: CephObjectStore
            metadata:
              name: My_Store
              lables: {tier: gold}
              labels: {app: 3, "example.com/role": "-bad"}
              annotations: {"Bad Key": x, "Example.com/Fine": y}
            spec: {gateway: {port: "80"}}
            """)
        // An unserved version has no schema to check spec against; the envelope is still checked.
        #expect(store.validate(wrongVersion).map(\.description) == [
            #"apiVersion: "ceph.rook.io/v2" is not served for CephObjectStore; use ceph.rook.io/v1"#,
            #"metadata.annotations["Bad Key"]: key "Bad Key" is not a valid name (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"#,
            "metadata.labels.app: must be a string, not the number 3",
            #"metadata.labels["example.com/role"]: label value "-bad" is not valid (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"#,
            #"metadata.lables: unknown field "lables" (the API server would drop it); did you mean metadata.labels?"#,
            #"metadata.name: "My_Store" is not a DNS subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)"#,
        ])

        let bare: Value = .map(["kind": .string("CephObjectStorage"), "spec": .map([:])])
        #expect(store.validate(bare).map(\.description) == [
            #"<root>: missing required field "apiVersion" (CephObjectStore is served as ceph.rook.io/v1)"#,
            #"kind: must be "CephObjectStore" for cephobjectstores.ceph.rook.io, not the string "CephObjectStorage""#,
            #"<root>: missing required field "metadata" (with at least a name)"#,
        ])

        let bucket = try SharedCRDs.definition(group: "objectbucket.io", kind: "ObjectBucket")
        let namespaced = try Self.object("""
            apiVersion: objectbucket.io/v1alpha1
            kind: ObjectBucket
            metadata: {namespace: default, generateName: bucket-}
            spec: {}
            """)
        #expect(bucket.validate(namespaced).map(\.description) == ["metadata.namespace: must not be set: ObjectBucket is cluster-scoped (the API server would drop it)"])
    }

    @Test func valuesKnownOnlyAfterApplyAreNeverViolations() throws {
        let pool = try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephBlockPool")
        let object: Value = .map([
            "apiVersion": .string("ceph.rook.io/v1"), "kind": .string("CephBlockPool"),
            "metadata": .map(["name": .unknown, "namespace": .string("rook-ceph"), "labels": .map(["app": .unknown])]),
            "spec": .map([
                "replicated": .map(["size": .unknown, "hybridStorage": .unknown]),
                "mirroring": .map(["mode": .unknown, "snapshotSchedules": .list([.unknown, .map(["interval": .unknown])])]),
                "quotas": .unknown,
            ]),
        ])
        #expect(pool.validate(object) == [])
        #expect(pool.validate(.map(["apiVersion": .unknown, "kind": .unknown, "metadata": .unknown])) == [])
        #expect(pool.validate(.unknown) == [])
        // The same object with one known mistake still reports it.
        var broken = object.mapValue!
        broken["spec"] = .map(["replicated": .map(["size": .string("three")])])
        #expect(pool.validate(.map(broken)).map(\.description) == [#"spec.replicated.size: must be an integer, not the string "three""#])
    }

    /// Validating never re-reads the schema: the Camel K CRD (727 KB) costs its parse once, then each object only its walk.
    @Test func validationIsFastOnTheLargestSchemas() throws {
        let integration = try #require(try SharedCRDs.samples(in: "camel-k-integration.yaml").first)
        let store = try #require(try SharedCRDs.samples(in: "rook-object-multisite.yaml").first { $0["kind"] == .string("CephObjectStore") })
        let integrationDefinition = try SharedCRDs.definition(group: "camel.apache.org", kind: "Integration")
        let storeDefinition = try SharedCRDs.definition(group: "ceph.rook.io", kind: "CephObjectStore")

        let text = try String(contentsOfFile: try SharedCRDs.directory() + "/camel-k/camel.apache.org_integrations.yaml", encoding: .utf8)
        let parseStart = ContinuousClock.now
        let parsed = try CustomResourceDefinitionLoader.definitions(inYAML: text, file: "camel-k")
        let parseTime = ContinuousClock.now - parseStart
        #expect(parsed.count == 1)

        let rounds = 2000
        var total = 0
        let integrationStart = ContinuousClock.now
        for _ in 0..<rounds { total += integrationDefinition.validate(integration).count }
        let integrationTime = (ContinuousClock.now - integrationStart) / rounds
        let storeStart = ContinuousClock.now
        for _ in 0..<rounds { total += storeDefinition.validate(store).count }
        let storeTime = (ContinuousClock.now - storeStart) / rounds
        print("CRD schema figures: Camel K Integration CRD read+compiled in \(parseTime); validate one Integration \(integrationTime), one CephObjectStore \(storeTime) (mean of \(rounds))")
        #expect(total == 0)
        #expect(integrationTime < .milliseconds(1), "validating one Integration took \(integrationTime)")
        #expect(storeTime < .milliseconds(1), "validating one CephObjectStore took \(storeTime)")
    }

    static func object(_ yaml: String) throws -> Value {
        try #require(try YAMLDocuments.parse(yaml).first)
    }
}
