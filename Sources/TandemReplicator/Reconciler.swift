import Foundation

/// Keeps a pipeline converging without hand-run backfills: a reconcile (the streaming listing merge of `Backfill`)
/// at every start and then every `reconcile_interval`, so objects whose events were lost (the replicator was down, a
/// non-persistent topic could not deliver, a persistent one gave up) are copied.
///
/// One loop per pipeline runs reconciles one after the other, so two never overlap; the next interval counts from
/// the end of the previous run. Its cost is bounded: one listing page of each side in memory (and at most 10,000
/// objects waiting out the quiet period, `reconcile_quiet_period`, which lets events in flight land first) and half
/// the pipeline's concurrency in copies, leaving the rest to events. Progress goes to `metrics`: the counters
/// `reconcile_runs`, `reconcile_objects_compared`, `reconcile_objects_copied`, `reconcile_errors`, and the gauges
/// `reconcile_running`, `reconcile_last_started_timestamp_seconds`, `reconcile_last_finished_timestamp_seconds`,
/// `reconcile_last_compared`, `reconcile_last_copied` and `reconcile_last_failed` (of the current or last run), which
/// `/status` shows as `reconcile`.
struct Reconciler: Sendable {
    let pipeline: Pipeline
    let metrics: ReplicatorMetrics
    let log: @Sendable (String) -> Void
    /// Waits between runs; nil: only the run at start.
    let interval: Duration?
    let pageSize: Int

    init(pipeline: Pipeline, metrics: ReplicatorMetrics, pageSize: Int = 1000, log: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        self.metrics = metrics
        self.log = log
        interval = pipeline.configuration.periodicReconcile
        self.pageSize = pageSize
    }

    /// Reconciles now, then every interval, until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            await reconcileOnce()
            guard let interval else { return }
            try? await Task.sleep(for: interval)
        }
    }

    /// One reconcile, its progress in the metrics as it goes.
    func reconcileOnce() async {
        let name = pipeline.name
        metrics.set("reconcile_running", pipeline: name, 1)
        metrics.set("reconcile_last_started_timestamp_seconds", pipeline: name, Int(Date().timeIntervalSince1970))
        metrics.add("reconcile_runs", pipeline: name)
        var reported = Backfill.Summary()
        let observe: (Backfill.Summary) -> Void = { summary in
            metrics.add("reconcile_objects_compared", pipeline: name, summary.examined - reported.examined)
            metrics.add("reconcile_objects_copied", pipeline: name, summary.copied - reported.copied)
            metrics.add("objects_replicated", pipeline: name, summary.copied - reported.copied)
            metrics.add("bytes_replicated", pipeline: name, summary.bytes - reported.bytes)
            metrics.add("reconcile_errors", pipeline: name, summary.failed - reported.failed)
            metrics.set("reconcile_last_compared", pipeline: name, summary.examined)
            metrics.set("reconcile_last_copied", pipeline: name, summary.copied)
            metrics.set("reconcile_last_failed", pipeline: name, summary.failed)
            reported = summary
        }
        observe(Backfill.Summary())
        let backfill = Backfill(pipeline: pipeline, pageSize: pageSize, concurrency: max(pipeline.configuration.concurrency / 2, 1),
                                quietPeriod: pipeline.configuration.reconcileQuiet)
        do {
            let summary = try await backfill.run(progress: log, observe: observe)
            log("reconcile \(name): \(summary.examined) compared, \(summary.copied) copied (\(summary.bytes) bytes), "
                + "\(summary.alreadyCurrent) already current, \(summary.failed) failed")
        } catch where Task.isCancelled {
            log("reconcile \(name): stopped (shutting down)")
        } catch {
            metrics.add("reconcile_errors", pipeline: name)
            log("reconcile \(name) failed (it runs again \(interval.map { "in \($0)" } ?? "at the next start")): \(error)")
        }
        metrics.set("reconcile_last_finished_timestamp_seconds", pipeline: name, Int(Date().timeIntervalSince1970))
        metrics.set("reconcile_running", pipeline: name, 0)
    }
}
