import Foundation
import TandemCore
import TandemReplicator
import TandemTesting
import Testing
@testable import TandemProvider

/// The runtime file written for a `tandem_replicator` reads back as the attributes it was written from, so a
/// replicator whose file matches its configuration plans no change (no perpetual diff from defaults, nulls or
/// number formats).
struct ReplicatorDocumentTests {
    private let http: Value = .map(["max_journal_bytes": .number(67_108_864), "max_dead_letter_bytes": .number(67_108_864)])

    private func planned(events: Value, copy: Value = .null, endpoint: Value = .string("http://127.0.0.1:9000"), retry: Value = .null,
                         caBundle: Value = .null) -> [String: Value] {
        let side: (String) -> [String: Value] = { bucket in
            ["endpoint": endpoint, "region": .string("us-east-1"), "bucket": .string(bucket), "access_key": .string("AKID"), "secret_key": .string("s3cr3t"),
             "ca_bundle": caBundle]
        }
        var source = side("source"), target = side("replica")
        source["prefix"] = .null
        target["key_template"] = .string("{bucket}/{key}")
        target["object_acl"] = .string("bucket-owner-full-control")
        return [
            "name": .string("to-replica"), "listen": .string("127.0.0.1:9464"), "source": .map(source), "target": .map(target),
            "events": events, "skip_principals": .list([.string("AIDAEXAMPLE")]), "concurrency": .number(8), "max_attempts": .number(5), "copy": copy,
            "retry": retry, "reconcile_interval": .number(3600),
            "push_secret": events["http"].isNull ? .null : .string("0123456789abcdef0123456789abcdef"),
        ]
    }

    private func roundTrip(_ attributes: [String: Value]) throws -> [String: Value] {
        let data = try ReplicatorDocument.json(for: .map(attributes), stateDirectory: "/tmp/state")
        let configuration = try ReplicatorConfiguration.decode(data, path: "replicator.json")
        #expect(configuration.stateDirectory == "/tmp/state")
        return ReplicatorDocument.attributes(of: configuration)
    }

    @Test func sqsWithDefaultsReadsBackUnchanged() throws {
        let attributes = planned(events: .map(["sqs": .map(["queue_url": .string("http://q/1/events"), "visibility_timeout": .number(300)]),
                                               "kafka": .null, "http": .null]))
        #expect(try roundTrip(attributes) == attributes)
    }

    @Test func kafkaHttpAndCopyBlocksReadBackUnchanged() throws {
        let kafka = planned(events: .map(["sqs": .null, "http": .null, "kafka": .map([
            "brokers": .string("127.0.0.1:9092"), "topic": .string("events"), "group_id": .string("replicator"),
            "dead_letter_topic": .string("events-dead"), "properties": .map(["sasl.password": .string("pw")]),
        ])]), endpoint: .null)
        #expect(try roundTrip(kafka) == kafka, "AWS (no endpoint) and librdkafka properties")
        let copy: Value = .map(["multipart_threshold": .number(33_554_432), "part_size": .number(16_777_216), "parts_in_flight": .number(2), "server_side": .bool(false)])
        let retry: Value = .map(["initial_delay": .number(1), "max_delay": .number(30), "max_elapsed": .number(900)])
        var pushed = planned(events: .map(["sqs": .null, "kafka": .null, "http": http]), copy: copy, retry: retry)
        pushed["source"] = .map((pushed["source"]?.mapValue ?? [:]).merging(["prefix": .string("ceph/")]) { $1 })
        pushed["target"] = .map((pushed["target"]?.mapValue ?? [:]).merging(["object_acl": .string("none")]) { $1 })
        #expect(try roundTrip(pushed) == pushed, "the push secret, file bounds, retry schedule, a source prefix and another object ACL")
        var unlimited = planned(events: .map(["sqs": .null, "kafka": .null, "http": http]))
        unlimited["max_attempts"] = .null
        unlimited["reconcile_interval"] = .number(0)
        #expect(try roundTrip(unlimited) == unlimited)
    }

    @Test func aFileFromBeforePushSecretsReadsBackWithoutOne() throws {
        let attributes = planned(events: .map(["sqs": .null, "kafka": .null, "http": http]))
        var document = try #require(try JSONSerialization.jsonObject(with: ReplicatorDocument.json(for: .map(attributes), stateDirectory: "/tmp/s")) as? [String: Any])
        var pipeline = try #require((document["pipelines"] as? [[String: Any]])?.first)
        pipeline["events"] = ["http": [String: Any]()]
        document["pipelines"] = [pipeline]
        let old = try JSONSerialization.data(withJSONObject: document)
        #expect(throws: ConfigurationError.self) { try ReplicatorConfiguration.decode(old, path: "replicator.json") }
        let configuration = try ReplicatorConfiguration.decode(old, path: "replicator.json", checked: false)
        #expect(ReplicatorDocument.attributes(of: configuration)["push_secret"] == .null, "apply generates one when it redeploys")
    }

    @Test func caBundlesAreCarriedIntoTheFileLoadedWhenReadAndReadBack() async throws {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let attributes = planned(events: .map(["sqs": .null, "kafka": .null, "http": http]), endpoint: .string("https://rgw.internal:8443"),
                                 caBundle: .string(authority.caCertificatePath))
        #expect(try roundTrip(attributes) == attributes)
        let data = try ReplicatorDocument.json(for: .map(attributes), stateDirectory: "/tmp/state")
        let pipeline = try #require(try ReplicatorConfiguration.decode(data, path: "replicator.json")
            .loadingTrust(environment: [:], path: "replicator.json").pipelines.first)
        #expect(pipeline.source.trust.extraCertificates.count == 1 && pipeline.target.endpoint.trust == pipeline.source.trust)
        #expect(pipeline.source.clientConfiguration.trust == pipeline.source.trust, "the clients are built with it")

        let missing = planned(events: .map(["sqs": .null, "kafka": .null, "http": http]), caBundle: .string(authority.directory + "/absent.pem"))
        let error = #expect(throws: ConfigurationError.self) {
            try ReplicatorConfiguration.decode(try ReplicatorDocument.json(for: .map(missing), stateDirectory: "/tmp/state"), path: "replicator.json")
                .loadingTrust(environment: [:], path: "replicator.json")
        }
        #expect(error?.description == "replicator.json: pipelines[0].source.ca_bundle: ca_bundle \(authority.directory)/absent.pem cannot be read: no such file")
        // Read back (refresh, destroy) without loading it: a replicator whose bundle has gone can still be stopped.
        #expect(try ReplicatorConfiguration.decode(try ReplicatorDocument.json(for: .map(missing), stateDirectory: "/tmp/state"), path: "replicator.json")
            .pipelines.first?.source.trust == .system)
    }

    @Test func awsCABundleOfTheReplicatorsEnvironmentIsUsedWhenTheBlockHasNone() async throws {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let data = try ReplicatorDocument.json(for: .map(planned(events: .map(["sqs": .null, "kafka": .null, "http": http]))), stateDirectory: "/tmp/state")
        let configuration = try ReplicatorConfiguration.decode(data, path: "replicator.json")
        let pipeline = try #require(try configuration.loadingTrust(environment: ["AWS_CA_BUNDLE": authority.caCertificatePath], path: "replicator.json")
            .pipelines.first)
        #expect(pipeline.source.trust.extraSource == "AWS_CA_BUNDLE \(authority.caCertificatePath)")
        #expect(try configuration.loadingTrust(environment: [:], path: "replicator.json").pipelines.first?.source.trust == .system)
        let error = #expect(throws: ConfigurationError.self) {
            try configuration.loadingTrust(environment: ["AWS_CA_BUNDLE": authority.directory], path: "replicator.json")
        }
        #expect(error?.description == "replicator.json: pipelines[0].source: AWS_CA_BUNDLE \(authority.directory) cannot be read: it is a directory (give a PEM file)")
    }

    @Test func theFileHoldsWhatTheRuntimeNeedsAndTheDigestIgnoresFormatting() throws {
        let attributes = planned(events: .map(["sqs": .null, "kafka": .null, "http": http]))
        let data = try ReplicatorDocument.json(for: .map(attributes), stateDirectory: "/tmp/state")
        let configuration = try ReplicatorConfiguration.decode(data, path: "replicator.json")
        #expect(configuration.pipelines.first?.target.endpoint.secretKey == "s3cr3t")
        #expect(configuration.pipelines.first?.events.http?.secret == "0123456789abcdef0123456789abcdef" && configuration.pipelines.first?.copy == nil)
        let compact = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: data))
        #expect(try ReplicatorConfiguration.decode(compact, path: "other.json").digest == configuration.digest)
        #expect(!"\(configuration.pipelines[0].source)".contains("s3cr3t"), "printing an endpoint never shows its secret")
    }
}

/// Rules `tandem plan` checks before anything starts.
struct ReplicatorValidationTests {
    private let provider = TandemProvider(runtimeDirectory: "/tmp/replicators", program: "/usr/bin/tandem")

    private func problems(_ attributes: [String: Value]) -> [String] {
        var configuration: [String: Value] = ["name": .string("ok"), "listen": .string("127.0.0.1:9464"), "runtime": .string("local"),
                                              "events": .map(["sqs": .null, "kafka": .null, "http": .map([:])]), "concurrency": .number(8)]
        configuration.merge(attributes) { $1 }
        return provider.validate(type: "tandem_replicator", configuration: .map(configuration)).compactMap(\.attributePath)
    }

    @Test func aUsableConfigurationHasNoProblems() {
        #expect(problems([:]) == [])
    }

    @Test func eachMistakeIsReportedAtItsAttribute() {
        #expect(problems(["name": .string("../etc")]) == ["name"])
        #expect(problems(["listen": .string("127.0.0.1:0")]) == ["listen"])
        #expect(problems(["events": .map(["sqs": .null, "kafka": .null, "http": .null])]) == ["events"])
        #expect(problems(["concurrency": .number(2.5)]) == ["concurrency"])
        #expect(problems(["runtime": .string("kubernetes")]) == ["runtime"], "runtime kubernetes needs its block (the image)")
        let pods: Value = .map(["image": .string("registry.example/tandem:1.0"), "replicas": .number(2)])
        #expect(problems(["runtime": .string("kubernetes"), "kubernetes": pods]) == [])
        #expect(problems(["kubernetes": pods]) == ["kubernetes"], "the block means nothing to runtime local")
        #expect(problems(["runtime": .string("kubernetes"), "kubernetes": .map(["image": .string("i"), "replicas": .number(0)])]) == ["kubernetes.replicas"])
        #expect(problems(["runtime": .string("kubernetes"), "kubernetes": pods, "name": .string(String(repeating: "p", count: 50))]) == ["name"],
                "the Service named after it must fit a DNS label")
        #expect(problems(["runtime": .string("kubernetes"), "kubernetes": pods, "target": .map(["ca_bundle": .string("/etc/ssl/certs/ca-certificates.crt")])])
            == [], "copied into the pods' Secret")
        let sqsEvents: Value = .map(["sqs": .map(["queue_url": .string("http://q/1/e")]), "kafka": .null, "http": .null])
        #expect(problems(["runtime": .string("camel-k"), "events": sqsEvents, "kubernetes": .map(["operator_id": .string("camel-k-operator")])]) == [])
        #expect(problems(["runtime": .string("camel-k"), "events": sqsEvents]) == [], "Camel K needs no image: its operator builds one")
        #expect(problems(["runtime": .string("camel-k"), "events": sqsEvents, "source": .map(["ca_bundle": .string("/etc/ssl/certs/ca-certificates.crt")])])
            == ["source.ca_bundle"], "Camel's JVM does not read it")
        #expect(problems(["runtime": .string("camel-k"), "events": sqsEvents, "kubernetes": pods]) == ["kubernetes.image"])
        #expect(problems(["runtime": .string("kubernetes"), "kubernetes": .map(["image": .string("i"), "operator_id": .string("o")])]) == ["kubernetes.operator_id"])
        #expect(problems(["runtime": .string("camel-k")]) == ["events.http"], "pushes need the journal Camel K has not")
        #expect(problems(["runtime": .string("camel-k"), "events": sqsEvents, "skip_principals": .list([.string("ok"), .string("it's")]),
                          "source": .map(["prefix": .string("${header.x}")])]) == ["source.prefix", "skip_principals[1]"],
                "values Camel would read as expressions")
        #expect(problems(["reconcile_interval": .number(-1)]) == ["reconcile_interval"])
        #expect(problems(["reconcile_interval": .number(0)]) == [], "0: only at start")
        #expect(problems(["retry": .map(["initial_delay": .number(0), "max_delay": .number(60), "max_elapsed": .number(600)])]) == ["retry.initial_delay"])
        #expect(problems(["events": .map(["sqs": .null, "kafka": .null, "http": .map(["max_journal_bytes": .number(1.5)])])]) == ["events.http.max_journal_bytes"])
        let sqs = { (timeout: Double) in Value.map(["sqs": .map(["queue_url": .string("http://q/1/e"), "visibility_timeout": .number(timeout)]),
                                                    "kafka": .null, "http": .null]) }
        #expect(problems(["events": sqs(43_200)]) == [])
        #expect(problems(["events": sqs(43_201)]) == ["events.sqs.visibility_timeout"])
        #expect(problems(["source": .map(["ca_bundle": .string("/nonexistent/ca.pem")]), "target": .map(["ca_bundle": .string("/")])])
            == ["source.ca_bundle", "target.ca_bundle"])
    }
}
