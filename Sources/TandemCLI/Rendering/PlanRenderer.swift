import Dispatch
import TandemCore
import TandemEngine

/// Renders the human plan from the (redacted) plan model, the same model `--json` prints.
struct PlanRenderer {
    let terminal: Terminal

    private func color(for action: ChangeAction) -> Terminal.Style {
        switch action {
        case .create: return .green
        case .update: return .yellow
        case .replace, .delete: return .red
        case .noop: return .dim
        }
    }

    private func sentence(for action: ChangeAction) -> String {
        switch action {
        case .create: return "will be created"
        case .update: return "will be updated in place"
        case .replace: return "must be replaced"
        case .delete: return "will be deleted"
        case .noop: return "is unchanged"
        }
    }

    /// The whole plan as text.
    func render(_ plan: Plan) -> String {
        var lines: [String] = []
        render(plan) { lines.append($0) }
        return lines.joined(separator: "\n")
    }

    /// Writes the whole plan to standard output in chunks as it is rendered: a plan of many resources is never
    /// held as one text (its lines and their joined copy were a large part of a big plan's time and memory). From
    /// `parallelRenderingThreshold` resource changes on, the second half is rendered on another thread (into memory)
    /// while the first is written.
    func write(_ plan: Plan) {
        var output = ChunkedOutput(terminal: terminal)
        let large = plan.resourceChanges.count >= Self.parallelRenderingThreshold
        render(plan, emit: { output.line($0) }, emitChanges: !large ? nil : { plan in
            let changes = plan.resourceChanges
            let secondHalf = changes.count / 2 ..< changes.count
            let rendered = RenderedLines()
            let done = DispatchGroup()
            DispatchQueue.global().async(group: done) {
                var bytes: [UInt8] = []
                for change in plan.resourceChanges[secondHalf] where Self.isShown(change) {
                    for line in lines(for: change, in: plan) {
                        bytes.append(contentsOf: line.utf8)
                        bytes.append(UInt8(ascii: "\n"))
                    }
                }
                rendered.bytes = bytes
            }
            for change in changes[..<secondHalf.lowerBound] where Self.isShown(change) { lines(for: change, in: plan).forEach { output.line($0) } }
            done.wait()
            output.bytes(rendered.bytes)
        })
        output.flush()
    }

    /// Resource changes from which `write` renders on two threads (below it a thread costs more than it saves).
    static let parallelRenderingThreshold = 10_000

    /// Lines rendered by another thread: written once by it before it leaves its `DispatchGroup`, read after the wait.
    private final class RenderedLines: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    /// Whether the plan shows `change`: all but the unchanged and unmoved.
    private static func isShown(_ change: ResourceChange) -> Bool {
        change.action != .noop || change.movedFrom != nil
    }

    /// The lines of one resource change of `plan`, with the blank line after it.
    private func lines(for change: ResourceChange, in plan: Plan) -> [String] {
        render(change, deposed: plan.deposedDeletes.contains(change)) + [""]
    }

    /// Passes the plan's lines to `emit` one by one, in order; those of the shown resource changes go through
    /// `emitChanges` when given (`write`'s two threads for a large plan), else through `emit`.
    func render(_ plan: Plan, emit: (String) -> Void, emitChanges: ((Plan) -> Void)? = nil) {
        if !plan.drift.isEmpty {
            emit(terminal.styled("Objects changed outside Tandem:", .bold))
            emit("")
            renderDrift(plan.drift).forEach(emit)
            emit("")
        }
        let hasChanges = plan.resourceChanges.contains(where: Self.isShown) || !plan.deposedDeletes.isEmpty
        let outputs = plan.outputChanges.filter { $0.action != .noop }
        if plan.mode == .refreshOnly {
            emit(plan.drift.isEmpty
                ? "No changes. The state matches the live objects."
                : "Applying this refresh-only plan will update the state to match the live objects; nothing else changes.")
            return
        }
        if !hasChanges && outputs.isEmpty {
            emit(terminal.styled("No changes.", .bold) + " The live objects match the configuration.")
            return
        }
        if hasChanges {
            emit("Tandem will perform the following actions:")
            emit("")
            if let emitChanges {
                emitChanges(plan)
            } else {
                for change in plan.resourceChanges where Self.isShown(change) { lines(for: change, in: plan).forEach(emit) }
            }
            for change in plan.deposedDeletes { lines(for: change, in: plan).forEach(emit) }
            let moves = plan.resourceChanges.count { Self.isShown($0) && $0.movedFrom != nil } + plan.deposedDeletes.count { $0.movedFrom != nil }
            let counts = plan.counts
            emit(terminal.styled("Plan:", .bold) + " \(counts[.create] ?? 0) to create, \(counts[.update] ?? 0) to update, "
                 + "\(counts[.replace] ?? 0) to replace, \(counts[.delete] ?? 0) to delete\(moves > 0 ? ", \(moves) to move" : "").")
        }
        if !outputs.isEmpty {
            emit("")
            emit("Changes to outputs:")
            for output in outputs {
                let glyph = terminal.styled(output.action.glyph, color(for: output.action))
                switch output.action {
                case .create: emit("  \(glyph) \(output.name) = \(ValueFormatter.format(output.after?.value))")
                case .delete: emit("  \(glyph) \(output.name) = \(ValueFormatter.format(output.before))")
                default: emit("  \(glyph) \(output.name) = \(ValueFormatter.format(output.before)) -> \(ValueFormatter.format(output.after?.value))")
                }
            }
        }
    }

    private func render(_ change: ResourceChange, deposed: Bool) -> [String] {
        let style = color(for: change.action)
        var headline = "# \(change.address)\(deposed ? " (deposed: the old object of an interrupted replacement)" : "") \(change.action == .noop ? "" : sentence(for: change.action))"
        if let old = change.movedFrom { headline += change.action == .noop ? "has moved from \(old)" : " (moved from \(old))" }
        if change.createBeforeDestroy { headline += " (the new object is created before the old one is deleted)" }
        var lines = ["  " + terminal.styled(headline, .bold)]
        lines.append("  \(terminal.styled(change.glyph, style)) \(change.address)")
        for note in change.notes { lines.append("      " + terminal.styled("# \(note)", .dim)) }
        lines.append(contentsOf: renderAttributes(change.attributeChanges, action: change.action))
        return lines
    }

    /// The most attribute lines shown for one resource; a larger change (a CRD's schema) is cut there, with a count.
    static let attributeLinesPerResource = 80

    private func renderAttributes(_ changes: [AttributeChange], action: ChangeAction) -> [String] {
        // Only a line holding a line feed needs splitting (looking at its bytes is far quicker than at its characters).
        let lines = attributeLines(changes).flatMap { line in
            line.utf8.contains(UInt8(ascii: "\n")) ? line.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : [line]
        }
        guard lines.count > Self.attributeLinesPerResource else { return lines }
        return Array(lines.prefix(Self.attributeLinesPerResource))
            + ["      " + terminal.styled("# ... \(lines.count - Self.attributeLinesPerResource) more lines (the --json plan has every attribute)", .bold)]
    }

    private func attributeLines(_ changes: [AttributeChange]) -> [String] {
        let width = changes.map(\.path.count).max() ?? 0
        return changes.flatMap { change -> [String] in
            let name = Self.padded(change.path, toLength: width)
            if !change.sensitive, let lines = PolicyChangeRenderer(terminal: terminal)
                .render(name: name, before: change.before, after: change.afterValue, indent: "      ") {
                return lines
            }
            let replacement = change.forcesReplacement ? terminal.styled("  # forces replacement", .red) : ""
            switch (change.before, change.afterValue) {
            case (nil, let after):
                if after == .null { return [] }
                return ["      \(terminal.styled("+", .green)) \(name) = \(ValueFormatter.format(after))"]
            case (let before, nil):
                if before == .null { return [] }
                return ["      \(terminal.styled("-", .red)) \(name) = \(ValueFormatter.format(before))"]
            case (let before, let after):
                return ["      \(terminal.styled("~", .yellow)) \(name) = \(ValueFormatter.format(before)) -> \(ValueFormatter.format(after))\(replacement)"]
            }
        }
    }

    /// `text` with spaces appended up to `length` UTF-16 code units, as `padding(toLength:withPad:startingAt:)` pads,
    /// without Foundation's bridging to NSString (a large part of rendering a plan of many resources).
    static func padded(_ text: String, toLength length: Int) -> String {
        let units = text.utf16.count
        guard units <= length else { return text.padding(toLength: length, withPad: " ", startingAt: 0) }
        return units == length ? text : text + String(repeating: " ", count: length - units)
    }

    /// Drift records as text (used by plan and drift).
    func renderDrift(_ drift: [ResourceDrift]) -> [String] {
        var lines: [String] = []
        for record in drift {
            switch record.kind {
            case .deleted:
                lines.append("  " + terminal.styled("# \(record.address) was deleted outside Tandem", .bold))
            case .changed:
                lines.append("  " + terminal.styled("# \(record.address) was changed outside Tandem", .bold))
                lines.append(contentsOf: renderAttributes(record.attributeChanges, action: .update))
            }
        }
        return lines
    }
}
