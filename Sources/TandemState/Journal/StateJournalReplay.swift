/// Folds a journal left by a killed command onto the state file it began from.
public enum StateJournalReplay {
    /// The state `records` reach from `file` (nil: no state file yet), or nil when the journal does not belong to
    /// this state: its `begin` record names another lineage or serial (the state was written after the journal,
    /// which a kill kept from being removed), or it has no `begin` record at all (cut short before its first fsync).
    public static func replay(_ records: [JournalRecord], onto file: StateFile?) -> StateFile? {
        guard case .begin(let lineage, let serial)? = records.first else { return nil }
        if let file {
            guard file.lineage == lineage, file.serial == serial else { return nil }
        } else {
            guard serial == 0 else { return nil }
        }
        var working = WorkingState(file ?? StateFile(lineage: lineage))
        for record in records.dropFirst() { working.apply(record) }
        return working.stateFile
    }
}
