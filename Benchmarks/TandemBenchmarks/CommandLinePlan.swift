import Foundation

/// `tandem plan` and `terraform plan` as a user runs them: the binary in a scratch directory holding a generated
/// configuration of N `for_each` instances, timed from start to exit (loading, planning, rendering the plan).
/// No network: Tandem plans `aws_s3_bucket`s with no state (nothing to refresh) and a provider with static keys
/// and an endpoint nothing listens on; Terraform plans its built-in `terraform_data`.
enum CommandLinePlan {
    /// A configuration of `count` buckets whose names are a literal list under `locals` (the language has no `range`).
    static func configuration(count: Int) -> String {
        let names = (0..<count).map { String(format: "n%06d", $0) }.joined(separator: ", ")
        return """
            providers:
              aws:
                region: us-east-1
                access_key: benchmark
                secret_key: benchmark
                endpoint: http://127.0.0.1:9
            locals:
              names: [\(names)]
            resources:
              aws_s3_bucket.site:
                for_each: ${toset(local.names)}
                bucket: tandem-benchmark-${each.key}
                tags: {site: "${each.value}"}

            """
    }

    /// `runs` runs of `tandem plan` (with `options`, e.g. `--json`) on `count` instances.
    static func measure(binary: String, count: Int, runs: Int, options: [String] = []) async throws -> [ExternalCommand.Measurement] {
        let directory = try ExternalCommand.scratchDirectory("plan-benchmark")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try configuration(count: count).write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        var result: [ExternalCommand.Measurement] = []
        for _ in 0..<runs {
            result.append(try await ExternalCommand(arguments: [binary, "plan", "--no-color"] + options, directory: directory).run())
        }
        return result
    }

    /// `terraform plan -refresh=false` of `count` terraform_data instances (after `terraform init`). `range()` stops at
    /// 1024, so the keys come from nested `for` expressions over thousands and units.
    static func measureTerraform(count: Int) async throws -> ExternalCommand.Measurement {
        let workspace = try await TerraformWorkspace(configuration: """
            locals {
              names = toset(flatten([for i in range(\((count + 999) / 1000)) : [for j in range(1000) : format("n%06d", i * 1000 + j) if i * 1000 + j < \(count)]]))
            }
            resource "terraform_data" "site" {
              for_each = local.names
              input    = { bucket = "tandem-benchmark-${each.key}", site = each.value }
            }
            """)
        defer { workspace.remove() }
        return try await workspace.run(["plan", "-refresh=false", "-input=false", "-no-color"])
    }
}
