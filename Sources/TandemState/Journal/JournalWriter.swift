/// Appends the records of one command to its state journal.
///
/// `append` is cheap and does not wait for the disk; `makeDurable(upTo:)` returns once that record and every one
/// before it is on stable storage. Callers wait for an intent to be durable before the operation it announces
/// starts; records appended meanwhile by concurrent operations share one flush (group commit).
public protocol JournalWriter: AnyObject, Sendable {
    /// Adds `record` after the ones before it and returns its sequence number (1, 2, ...).
    func append(_ record: JournalRecord) throws -> UInt64
    /// Returns once record `sequence` and all before it are durable; throws if the journal cannot be written.
    func makeDurable(upTo sequence: UInt64) async throws
    /// Makes every appended record durable and closes the journal.
    func close() async throws
}
