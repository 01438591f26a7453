import TandemEngine

/// Renders `review.md` from a review: summary table and risky items first, each stack's plan in a collapsed section,
/// split into parts no longer than GitHub's comment limit.
struct ReviewMarkdownRenderer {
    /// GitHub refuses comments longer than 65,536 characters; parts stay under 65,000.
    static let partLimit = 65_000
    /// Risky items listed per stack in the summary (all are in review.json).
    static let risksListed = 50
    /// Reasons (changed files) listed per stack in its section.
    static let reasonsListed = 20
    /// Parts a stack's plan may fill (10 comments); beyond, the saved plan has the rest.
    static let maximumPieces = 10

    /// The Markdown parts, in order.
    func render(_ report: ReviewReport) -> [String] {
        var sections = [summary(report)]
        sections += report.stacks.flatMap(details)
        return pack(sections, limit: Self.partLimit)
    }

    private func summary(_ report: ReviewReport) -> String {
        var lines = ["## Tandem review", "",
                     "Planned `\(report.head.prefix(12))` (\(report.headRef)) against the merge base `\(report.base.prefix(12))`: "
                        + "\(report.stacks.count) stack(s) affected.", ""]
        if !report.stacks.isEmpty {
            lines += ["| Stack | Create | Update | Replace | Delete | Risky | Status |", "|---|---:|---:|---:|---:|---:|---|"]
            for stack in report.stacks {
                let count = { (action: String) in stack.counts[action].map(String.init) ?? "-" }
                let status = stack.status == .failed ? "**plan failed**" : (stack.hasChanges ? "changes" : "no changes")
                lines.append("| `\(stack.path)` | \(count("create")) | \(count("update")) | \(count("replace")) | \(count("delete")) | \(stack.risks.count) | \(status) |")
            }
            lines.append("")
        }
        for removed in report.removedStacks {
            lines.append(removed.renamedTo.map { "- Stack `\(removed.path)` was renamed to `\($0)`; its objects are planned there (same state only if the backend key is the same)." }
                         ?? "- :warning: Stack `\(removed.path)` was removed; the objects it manages stay until `tandem destroy` runs for it at the base.")
        }
        if !report.removedStacks.isEmpty { lines.append("") }
        let risky = report.stacks.filter { !$0.risks.isEmpty }
        lines.append(risky.isEmpty ? "**No risky changes.**" : "### Risky changes")
        for stack in risky {
            lines += ["", "`\(stack.path)`:"]
            for risk in stack.risks.prefix(Self.risksListed) {
                lines.append("- **\(label(risk.kind))** `\(risk.address)`: \(risk.detail)")
            }
            if stack.risks.count > Self.risksListed {
                lines.append("- … and \(stack.risks.count - Self.risksListed) more (all are in review.json)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The stack's collapsed sections: one, or several in a row when its plan is longer than a part (each piece
    /// is cut at a line break and says which piece it is); at most `maximumPieces`, the rest left to the saved plan.
    private func details(_ stack: StackReview) -> [String] {
        let counts = ["create", "update", "replace", "delete"].map { "\(stack.counts[$0] ?? 0) to \($0)" }.joined(separator: ", ")
        let heading = "<code>\(stack.path)</code>: \(stack.status == .failed ? "plan failed" : counts)"
        let reasons = stack.reasons.prefix(Self.reasonsListed).map { "- \($0)" }
            + (stack.reasons.count > Self.reasonsListed ? ["- … and \(stack.reasons.count - Self.reasonsListed) more changed files (review.json has all)"] : [])
        var header = reasons + stack.messages.prefix(Self.reasonsListed).map { "- :warning: \(String($0.prefix(2_000)))" }
        if let planFile = stack.planFile { header.append("- saved plan: `\(planFile)`") }
        var pieces = split(stack.planText.replacingOccurrences(of: "````", with: "ʼʼʼʼ"), budget: Self.partLimit - 10_000)
        if pieces.count > Self.maximumPieces {
            let omitted = pieces[Self.maximumPieces...].reduce(0) { $0 + $1.split(separator: "\n", omittingEmptySubsequences: false).count }
            pieces = Array(pieces.prefix(Self.maximumPieces))
            pieces[pieces.count - 1] += "\n… \(omitted) more lines: see the saved plan (tandem show PLANFILE)."
        }
        if pieces.isEmpty { pieces = [""] }
        return pieces.enumerated().map { index, piece in
            let title = pieces.count == 1 ? heading : "\(heading) (plan, piece \(index + 1) of \(pieces.count))"
            var lines = ["<details><summary>\(title)</summary>", ""]
            if index == 0 { lines += header }
            if !piece.isEmpty { lines += ["", "````text", piece, "````"] }
            lines += ["", "</details>", ""]
            return lines.joined(separator: "\n")
        }
    }

    /// `text` cut at line breaks into pieces of at most `budget` characters (a longer line is cut where it must).
    private func split(_ text: String, budget: Int) -> [String] {
        guard !text.isEmpty else { return [] }
        var pieces: [String] = [], current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(line)
            if line.utf16.count > budget { line = String(line.prefix(budget / 2)) + "…" }
            if !current.isEmpty, current.utf16.count + line.utf16.count + 1 > budget {
                pieces.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : "\n") + line
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private func label(_ kind: PlanRisk.Kind) -> String {
        switch kind {
        case .delete: return "delete"
        case .replace: return "replace"
        case .policyLoosened: return "policy loosened"
        case .replicationDisabled: return "replication disabled"
        case .versioningDisabled: return "versioning disabled"
        case .deleteMarkerReplicationOff: return "delete-marker replication off"
        case .publicAccessOpened: return "public access opened"
        case .secretRotated: return "secret rotated"
        }
    }

    /// Sections packed in order into parts of at most `limit` UTF-16 code units (GitHub counts those), each part
    /// after the first saying which part it is; a section longer than a part (a summary of very many stacks) is cut at
    /// line breaks first.
    func pack(_ sections: [String], limit: Int) -> [String] {
        let room = limit - 200 // the part markers
        var parts: [String] = []
        var current = ""
        for section in sections.flatMap({ $0.utf16.count > room ? split($0, budget: room) : [$0] }) {
            if !current.isEmpty, current.utf16.count + section.utf16.count + 1 > room {
                parts.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : "\n") + section
        }
        if !current.isEmpty || parts.isEmpty { parts.append(current) }
        guard parts.count > 1 else { return parts }
        return parts.enumerated().map { index, part in
            index == 0 ? part + "\n_Part 1 of \(parts.count); the plans continue in the next comments._\n"
                       : "_Part \(index + 1) of \(parts.count) of the Tandem review_\n\n" + part
        }
    }
}
