import Foundation
import TandemTesting

extension TandemBinary {
    /// A fresh directory holding a copy of `examples/EXAMPLE/main.tandem.yaml`, with dummy credentials and the
    /// standard `AWS_ENDPOINT_URL` (which the AWS CLI honours too) pointing at moto.
    static func workspace(_ moto: MotoServer, example: String) throws -> TandemBinary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-e2e-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/examples/\(example)/main.tandem.yaml", toPath: directory + "/main.tandem.yaml")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("TANDEM_") }
        environment["AWS_ACCESS_KEY_ID"] = "testing"
        environment["AWS_SECRET_ACCESS_KEY"] = "testing"
        environment["AWS_ENDPOINT_URL"] = moto.endpoint
        environment["NO_COLOR"] = "1"
        return TandemBinary(directory: directory, environment: environment)
    }
}
