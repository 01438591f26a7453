@testable import TandemEngine
import TandemCore
import Testing

/// The risky items `tandem review` lists first, found from a change's action and attribute changes.
@Suite struct PlanRiskTests {
    private func change(_ address: String, _ action: ChangeAction, _ attributes: [AttributeChange], sensitive: [String] = []) -> ResourceChange {
        ResourceChange(address: ResourceAddress(parsing: address)!, provider: "aws", action: action, before: .map([:]), after: nil,
                       attributeChanges: attributes, dependencies: [], sensitiveAttributes: sensitive)
    }

    private func attribute(_ path: String, _ before: Value?, _ after: Value?, sensitive: Bool = false, forces: Bool = false) -> AttributeChange {
        AttributeChange(path: path, before: before, after: after, afterUnknown: .bool(false), sensitive: sensitive, forcesReplacement: forces)
    }

    private func policy(_ statements: [[String: Value]]) -> Value {
        .map(["Version": .string("2012-10-17"), "Statement": .list(statements.map { .map($0) })])
    }

    private func kinds(_ change: ResourceChange) -> [PlanRisk.Kind] { PlanRiskFinder.risks(of: change).map(\.kind) }

    @Test func policiesLoosenedByWideningAWildcardPrincipalOrARemovedCondition() {
        let narrow: [String: Value] = ["Sid": .string("R"), "Effect": .string("Allow"), "Principal": .map(["AWS": .string("arn:aws:iam::1:root")]),
                                       "Action": .string("s3:GetObject"), "Resource": .string("arn:aws:s3:::b/*"),
                                       "Condition": .map(["StringEquals": .map(["aws:SourceVpce": .string("vpce-1")])])]
        var wildcard = narrow
        wildcard["Principal"] = .string("*")
        wildcard["Condition"] = nil
        let opened = kinds(change("aws_s3_bucket.b", .update, [attribute("policy", policy([narrow]), policy([wildcard]))]))
        #expect(opened.contains(.publicAccessOpened) && opened.contains(.policyLoosened))
        #expect(PlanRiskFinder.risks(of: change("aws_s3_bucket.b", .update, [attribute("policy", policy([narrow]), policy([wildcard]))]))
            .contains { $0.detail.contains("condition removed") })

        var fewerActions = narrow
        fewerActions["Action"] = .list([])
        #expect(kinds(change("aws_s3_bucket.b", .update, [attribute("policy", policy([narrow]), policy([fewerActions]))])).isEmpty, "narrowing is not a risk")
        let deny: [String: Value] = ["Sid": .string("D"), "Effect": .string("Deny"), "Principal": .string("*"), "Action": .string("s3:DeleteObject"),
                                     "Resource": .string("*")]
        #expect(kinds(change("aws_s3_bucket.b", .update, [attribute("policy", policy([narrow, deny]), policy([narrow]))])) == [.policyLoosened])
    }

    @Test func replicationVersioningPublicAccessAndSecrets() {
        #expect(kinds(change("aws_s3_bucket_replication_configuration.r", .update, [
            attribute("rule[0].delete_marker_replication", .string("Enabled"), .string("Disabled")),
            attribute("rule[0].status", .string("Enabled"), .string("Disabled")),
        ])) == [.deleteMarkerReplicationOff, .replicationDisabled])
        #expect(kinds(change("aws_s3_bucket.b", .update, [attribute("versioning", .string("Enabled"), .string("Suspended"))])) == [.versioningDisabled])
        #expect(kinds(change("aws_s3_bucket.b", .update, [attribute("versioning", .string("Suspended"), .string("Enabled"))])).isEmpty)
        #expect(kinds(change("aws_s3_bucket.b", .update, [attribute("public_access_block.block_public_policy", .bool(true), .bool(false))])) == [.publicAccessOpened])
        #expect(kinds(change("aws_iam_access_key.k", .update, [attribute("status", .string("Active"), .string("Inactive"))])).isEmpty)
        #expect(kinds(change("ceph_user.u", .update, [attribute("secret_key", .string("(sensitive)"), .string("(sensitive)"), sensitive: true)])) == [.secretRotated])
        #expect(kinds(change("aws_iam_access_key.k", .replace, [attribute("user", .string("a"), .string("b"), forces: true)], sensitive: ["secret"]))
                == [.replace, .secretRotated])
        #expect(kinds(change("ceph_sync_flow.f", .delete, [])) == [.delete, .replicationDisabled])
        #expect(kinds(change("aws_sqs_queue.q", .create, [attribute("visibility_timeout_seconds", nil, .number(30))])).isEmpty)
    }
}
