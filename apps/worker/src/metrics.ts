import type { ClearReport } from '@roombook/queue';
import { Counter, Histogram, Registry } from 'prom-client';

/** How a job attempt ended, as counted in `roombook_jobs_total{outcome}`. */
export type JobOutcome = 'completed' | 'retrying' | 'failed' | 'waiting_for_lock';

/**
 * This worker process's metrics. They live in a registry of their own (not prom-client's global
 * one) because the process does not serve them: metrics-publisher.ts hands snapshots to the API
 * through Redis, which sums all workers' snapshots for `GET /metrics`.
 */
export function createWorkerMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const jobs = new Counter({
    name: 'roombook_jobs_total',
    help: 'Job attempts by queue, job name and outcome (completed, retrying, failed, waiting_for_lock)',
    labelNames: ['queue', 'name', 'outcome'] as const,
    registers,
  });
  const jobDuration = new Histogram({
    name: 'roombook_job_duration_seconds',
    help: 'Time one job attempt spent in the processor',
    labelNames: ['queue', 'name', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const caldavRequests = new Histogram({
    name: 'roombook_caldav_request_duration_seconds',
    help: 'CalDAV HTTP requests by method and status ("none": no answer, i.e. timeout or network error)',
    labelNames: ['method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const clearDecisions = new Counter({
    name: 'roombook_clear_decisions_total',
    help: 'Decisions of finished clears by action (deleted, declined, cancelled, ignored) and status (applied, planned, failed, skipped)',
    labelNames: ['action', 'status'] as const,
    registers,
  });
  const mails = new Counter({
    name: 'roombook_mails_total',
    help: 'Notification mail attempts by outcome (sent, retrying, failed)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const lockWaits = new Counter({
    name: 'roombook_calendar_lock_waits_total',
    help: 'Times a job found its calendar locked by another job and was parked (delayed) instead of waiting in a worker slot',
    registers,
  });
  const lockWaitDelay = new Histogram({
    name: 'roombook_calendar_lock_wait_delay_seconds',
    help: 'Delay given to a job parked because its calendar was busy',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const leasesLost = new Counter({
    name: 'roombook_calendar_leases_lost_total',
    help: 'Calendar lock leases a job lost while holding them (it stopped before its next write and retries)',
    registers,
  });

  return {
    registry,
    job(queue: string, name: string, outcome: JobOutcome, seconds: number) {
      jobs.inc({ queue, name, outcome });
      jobDuration.observe({ queue, name, outcome }, seconds);
      if (queue === 'mail') {
        const mailOutcome = outcome === 'completed' ? 'sent' : outcome;
        if (mailOutcome !== 'waiting_for_lock') mails.inc({ outcome: mailOutcome });
      }
    },
    caldavRequest(method: string, status: number | null, ms: number) {
      caldavRequests.observe({ method, status: status === null ? 'none' : String(status) }, ms / 1000);
    },
    clearReport(report: ClearReport) {
      const lists = [
        report.deleted_cancelled_events,
        report.deleted_overlapping_events,
        report.cancelled_overlapping_recurring_events,
        report.ignored_overlapping_events,
      ];
      // Counted first, then one inc per label pair: a busy room's report lists thousands of items.
      const counts = new Map<string, { action: string; status: string; n: number }>();
      for (const list of lists) {
        for (const { action, status } of list) {
          const key = `${action}|${status}`;
          const entry = counts.get(key);
          if (entry) entry.n++;
          else counts.set(key, { action, status, n: 1 });
        }
      }
      for (const { action, status, n } of counts.values()) clearDecisions.inc({ action, status }, n);
    },
    lockWait(delayMs: number) {
      lockWaits.inc();
      lockWaitDelay.observe(delayMs / 1000);
    },
    leaseLost() {
      leasesLost.inc();
    },
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
