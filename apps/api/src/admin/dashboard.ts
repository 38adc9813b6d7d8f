import type { ClearReport } from '@roombook/queue';
import { CalendarJob } from '@roombook/queue';
import type { Queue } from 'bullmq';

export interface LastClear {
  at: Date;
  state: 'completed' | 'failed';
  test: boolean;
  removed: number;
  cancelledOccurrences: number;
  ignored: number;
  failedItems: number;
}

/** How many recent finished jobs the dashboard looks through for each room's last clear. */
const RECENT_JOBS = 500;

/**
 * The last finished clear of each calendar (by id), from the queue's kept jobs: BullMQ keeps
 * finished jobs for a while (see job options), which is what the dashboard can show.
 */
export async function lastClears(queue: Queue): Promise<Map<number, LastClear>> {
  const latest = new Map<number, LastClear>();
  for (const state of ['completed', 'failed'] as const) {
    const jobs = await queue.getJobs([state], 0, RECENT_JOBS - 1);
    for (const job of jobs) {
      if (job.name !== CalendarJob.clearCalendar || !job.finishedOn) continue;
      const payload = job.data as { calendarId: number; test: boolean };
      const previous = latest.get(payload.calendarId);
      if (previous && previous.at.getTime() >= job.finishedOn) continue;
      const report = state === 'completed' ? (job.returnvalue as ClearReport | null) : null;
      const items = report ? [...report.deleted_cancelled_events, ...report.deleted_overlapping_events, ...report.cancelled_overlapping_recurring_events] : [];
      latest.set(payload.calendarId, {
        at: new Date(job.finishedOn),
        state,
        test: payload.test,
        removed: report ? report.deleted_cancelled_events.length + report.deleted_overlapping_events.length : 0,
        cancelledOccurrences: report?.cancelled_overlapping_recurring_events.length ?? 0,
        ignored: report?.ignored_overlapping_events.length ?? 0,
        failedItems: items.filter((i) => i.status === 'failed').length,
      });
    }
  }
  return latest;
}

/** One row per affected event of a clear report: who loses, to whom, why, and what happened. */
export function reportRows(report: ClearReport) {
  const groups: [string, ClearReport['deleted_overlapping_events']][] = [
    ['cancelled leftover', report.deleted_cancelled_events],
    ['overlap', report.deleted_overlapping_events],
    ['overlap (occurrence of a series)', report.cancelled_overlapping_recurring_events],
    ['both prioritized (kept)', report.ignored_overlapping_events],
  ];
  return groups.flatMap(([kind, items]) =>
    items.map((item) => ({
      kind,
      loser: item.event.name,
      loserOrganizer: item.event.organizer ?? '',
      start: item.event.start,
      end: item.event.end,
      winner: item.overlaps_with?.name ?? '',
      winnerOrganizer: item.overlaps_with?.organizer ?? '',
      reason: item.reason,
      action: item.action,
      status: item.status,
      error: item.error ?? '',
    })),
  );
}
