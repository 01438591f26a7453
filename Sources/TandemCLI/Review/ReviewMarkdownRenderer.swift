import TandemEngine

/// Renders `review.md` from a review: summary table and risky items first, each stack's plan in a collapsed section,
/// split into parts no longer than GitHub's comment limit.
struct ReviewMarkdownRenderer {
    /// GitHub refuses comments longer than 65,536 characters; parts stay under 65,000.
    static let partLimit = 65_000
    /// Risky items listed per stack in the summary (all are in review.json).
    static let risksListed = 50

    /// The Markdown parts, in order.
    func render(_ report: ReviewReport) -> [String] {
        var sections = [summary(report)]
        sections += report.stacks.map(details)
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

    private func details(_ stack: StackReview) -> String {
        let counts = ["create", "update", "replace", "delete"].map { "\(stack.counts[$0] ?? 0) to \($0)" }.joined(separator: ", ")
        let heading = stack.status == .failed ? "plan failed" : counts
        var lines = ["<details><summary><code>\(stack.path)</code>: \(heading)</summary>", ""]
        lines += stack.reasons.map { "- \($0)" }
        lines += stack.messages.map { "- :warning: \($0)" }
        if let planFile = stack.planFile { lines.append("- saved plan: `\(planFile)`") }
        if !stack.planText.isEmpty {
            let budget = Self.partLimit - 2_000
            var text = stack.planText
            if text.count > budget {
                let kept = String(text.prefix(budget))
                let cut = kept.lastIndex(of: "\n").map { String(kept[..<$0]) } ?? kept
                let omitted = text.dropFirst(cut.count).split(separator: "\n", omittingEmptySubsequences: false).count
                text = cut + "\n… \(omitted) more lines: see the saved plan (`tandem show` it) or review.json."
            }
            lines += ["", "````text", text.replacingOccurrences(of: "````", with: "ʼʼʼʼ"), "````"]
        }
        lines += ["", "</details>", ""]
        return lines.joined(separator: "\n")
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

    /// Sections packed in order into parts of at most `limit` characters; each part after the first says which
    /// part it is. A section longer than a part was already shortened by `details`.
    func pack(_ sections: [String], limit: Int) -> [String] {
        var parts: [String] = []
        var current = ""
        let marker = 40 // room for "_Part N of M_"
        for section in sections {
            if !current.isEmpty, current.count + section.count + 1 > limit - marker {
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
