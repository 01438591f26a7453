import TandemCore
import TandemEngine

/// The order the cluster needs whether or not the configuration refers from one object to another, as keys taken from
/// the manifests: a CRD before its custom resources; a Namespace before the objects in it; a Secret or ConfigMap
/// before the objects that name it (`secretName`, `secretNames`, `secretRef`, `credential`, `rcloneConfig`,
/// `configMapRef`, Camel K's mount `configs: [secret:NAME]`, and on a secondary Rook cluster the `<realm>-keys` Secret before the pulling CephObjectRealm);
/// Rook's realm before its zonegroup, zonegroup before zone, zone before object store, store before its users, topics
/// and buckets, topic before notification; a VolumeReplicationClass before the VolumeReplications using it. Deletes
/// run in reverse. Keys are per provider name, not per cluster: two clusters' objects of the same name are ordered
/// together, which costs parallelism, never correctness.
enum KubernetesOrdering {
    static func keys(manifest: Value) -> OrderingKeys {
        guard case .map = manifest, let kind = manifest["kind"].stringValue else { return OrderingKeys() }
        let apiVersion = manifest["apiVersion"].stringValue ?? ""
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        let name = manifest["metadata"]["name"].stringValue ?? "*"
        let namespace = manifest["metadata"]["namespace"].stringValue
        let scope = namespace ?? "*"
        var keys = OrderingKeys()
        keys.requires.append("k8s:kind:\(group)/\(kind)")
        if let namespace { keys.requires.append("k8s:namespace:\(namespace)") }
        switch (group, kind) {
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            let spec = manifest["spec"]
            keys.provides.append("k8s:kind:\(spec["group"].stringValue ?? "*")/\(spec["names"]["kind"].stringValue ?? "*")")
        case ("", "Namespace"): keys.provides.append("k8s:namespace:\(name)")
        // Also under `*`: an object naming no namespace (the context's) may mean this one.
        case ("", "Secret"): keys.provides += Set([scope, "*"]).sorted().map { "k8s:secret:\($0)/\(name)" }
        case ("", "ConfigMap"): keys.provides += Set([scope, "*"]).sorted().map { "k8s:configmap:\($0)/\(name)" }
        case ("storage.k8s.io", "StorageClass"): keys.provides.append("k8s:storageclass:\(name)")
        default: break
        }
        let spec = manifest["spec"]
        if group == "ceph.rook.io" {
            let rook = "rook:\(scope)"
            switch kind {
            case "CephObjectRealm":
                keys.provides.append("\(rook):realm:\(name)")
                if spec["pull"] != .null { keys.requires.append("k8s:secret:\(scope)/\(name)-keys") }
            case "CephObjectZoneGroup":
                keys.provides.append("\(rook):zonegroup:\(name)")
                keys.requires.append("\(rook):realm:\(spec["realm"].stringValue ?? "*")")
            case "CephObjectZone":
                keys.provides.append("\(rook):zone:\(name)")
                keys.requires.append("\(rook):zonegroup:\(spec["zoneGroup"].stringValue ?? "*")")
            case "CephObjectStore":
                keys.provides.append("\(rook):objectstore:\(name)")
                if let zone = spec["zone"]["name"].stringValue { keys.requires.append("\(rook):zone:\(zone)") }
            case "CephObjectStoreUser":
                keys.requires.append("\(rook):objectstore:\(spec["store"].stringValue ?? "*")")
            case "CephBucketTopic":
                keys.provides.append("\(rook):topic:\(name)")
                let storeNamespace = spec["objectStoreNamespace"].stringValue ?? scope
                keys.requires.append("rook:\(storeNamespace):objectstore:\(spec["objectStoreName"].stringValue ?? "*")")
            case "CephBucketNotification":
                keys.requires.append("\(rook):topic:\(spec["topic"].stringValue ?? "*")")
            case "CephBlockPool":
                keys.provides.append("\(rook):pool:\(name)")
            default: break
            }
        }
        if group == "replication.storage.openshift.io" {
            if kind == "VolumeReplicationClass" { keys.provides.append("csi:volumereplicationclass:\(name)") }
            if kind == "VolumeReplication", let vrc = spec["volumeReplicationClass"].stringValue {
                keys.requires.append("csi:volumereplicationclass:\(vrc)")
            }
        }
        if group == "objectbucket.io", let storageClass = spec["storageClassName"].stringValue {
            keys.requires.append("k8s:storageclass:\(storageClass)")
        }
        var named: (secrets: [String], configMaps: [String]) = ([], [])
        collectReferences(spec, into: &named)
        keys.requires += named.secrets.map { "k8s:secret:\(scope)/\($0)" } + named.configMaps.map { "k8s:configmap:\(scope)/\($0)" }
        return keys
    }

    /// Names of Secrets and ConfigMaps that fields of `value` refer to, by the conventions the seeds' kinds follow.
    private static func collectReferences(_ value: Value, into named: inout (secrets: [String], configMaps: [String])) {
        switch value {
        case .map(let entries):
            for (key, child) in entries {
                let lower = key.lowercased()
                if lower.hasSuffix("secretname") || lower == "rcloneconfig", let text = child.stringValue {
                    named.secrets.append(text)
                } else if lower == "secretnames", let items = child.listValue {
                    named.secrets += items.compactMap(\.stringValue)
                } else if ["secretref", "credential", "secretkeyref"].contains(lower), let text = child["name"].stringValue {
                    named.secrets.append(text)
                } else if ["configmapref", "configmap", "configmapkeyref"].contains(lower), let text = child["name"].stringValue {
                    named.configMaps.append(text)
                } else if ["configs", "resources"].contains(lower), let items = child.listValue, items.allSatisfy({ $0.stringValue != nil }) {
                    // Camel K's mount trait: `secret:NAME` or `configmap:NAME`, optionally `/KEY`.
                    for item in items.compactMap(\.stringValue) {
                        let name = { (rest: Substring) in String(rest.prefix { $0 != "/" }) }
                        if item.hasPrefix("secret:") { named.secrets.append(name(item.dropFirst("secret:".count))) }
                        if item.hasPrefix("configmap:") { named.configMaps.append(name(item.dropFirst("configmap:".count))) }
                    }
                } else {
                    collectReferences(child, into: &named)
                }
            }
        case .list(let items):
            for item in items { collectReferences(item, into: &named) }
        default:
            break
        }
    }
}
