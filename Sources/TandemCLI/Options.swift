import ArgumentParser
import Foundation

/// Options every configuration command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("dir"), help: "Directory holding the *.tandem.yaml files.")
    var directory: String = "."

    @Option(help: "Workspace name; state lives in <dir>/state/<workspace>.json.")
    var workspace: String = ProcessInfo.processInfo.environment["TANDEM_WORKSPACE"] ?? "default"

    @Option(name: .customLong("state"), help: "Path of the state file (overrides the workspace location).")
    var statePath: String?

    @Flag(name: .customLong("no-color"), help: "Do not use colours (also off with NO_COLOR or when not a terminal).")
    var noColor = false
}

/// Where variable values come from.
struct VariableOptions: ParsableArguments {
    @Option(name: .customLong("var"), help: "Set a variable: --var NAME=VALUE (repeatable).")
    var assignments: [String] = []

    @Option(name: .customLong("var-file"), help: "Read variables from a YAML file (repeatable).")
    var files: [String] = []
}

/// Options of commands that plan.
struct PlanningOptions: ParsableArguments {
    @Option(name: .customLong("target"), help: "Limit to this resource and what it depends on (repeatable).")
    var targets: [String] = []

    @Option(help: "How many resource operations run at once.")
    var parallelism: Int = 10
}
