import TandemEngine

/// What `tandem review` found, as written to `review.json` (versioned; `review.md` is rendered from it and the plans).
struct ReviewReport: Codable, Sendable {
    /// The version of this document's shape.
    static let currentFormatVersion = 1

    var formatVersion = currentFormatVersion
    /// The commit compared against (the merge base).
    var base: String
    /// The commit planned.
    var head: String
    /// How the head was named (`HEAD`, `--ref`).
    var headRef: String
    /// Each affected stack, sorted by path.
    var stacks: [StackReview]
    /// Stacks of the base that the head no longer has.
    var removedStacks: [RemovedStack]
    /// The Markdown files, in order (each at most `ReviewMarkdownRenderer.partLimit` characters).
    var markdownParts: [String] = []

    /// True when a stack could not be planned.
    var hasFailures: Bool { stacks.contains { $0.status == .failed } }
    /// True when some stack's plan changes something or a stack was removed.
    var hasChanges: Bool { stacks.contains(where: \.hasChanges) || !removedStacks.isEmpty }

    enum CodingKeys: String, CodingKey {
        case base, head, stacks
        case formatVersion = "format_version"
        case headRef = "head_ref"
        case removedStacks = "removed_stacks"
        case markdownParts = "markdown_parts"
    }
}

/// One affected stack's review.
struct StackReview: Codable, Sendable {
    /// Planned, or could not be.
    enum Status: String, Codable, Sendable { case planned, failed }

    /// The stack's directory relative to the repository's root.
    var path: String
    /// Why the change affects it.
    var reasons: [String]
    /// Its path at the base, when renamed.
    var renamedFrom: String?
    var status: Status
    /// Changes per action (`create`, `update`, `replace`, `delete`).
    var counts: [String: Int] = [:]
    /// The risky items, in plan order.
    var risks: [PlanRisk] = []
    /// Changes made outside Tandem that refresh found.
    var driftCount = 0
    /// The saved plan, relative to the output directory.
    var planFile: String?
    /// Why planning failed, or what the reviewer should know (an interrupted command's journal).
    var messages: [String] = []
    /// The human plan (Markdown details; not in the JSON).
    var planText = ""

    /// True when the plan changes something.
    var hasChanges: Bool { counts.values.contains { $0 > 0 } }

    enum CodingKeys: String, CodingKey {
        case path, reasons, status, counts, risks, messages
        case renamedFrom = "renamed_from"
        case driftCount = "drift_count"
        case planFile = "plan_file"
    }
}

/// A stack of the base that is gone at the head.
struct RemovedStack: Codable, Sendable {
    /// Its path at the base.
    var path: String
    /// Where its files went, when renamed to another stack.
    var renamedTo: String?

    enum CodingKeys: String, CodingKey {
        case path
        case renamedTo = "renamed_to"
    }
}
