import type { ClearReport } from '@roombook/queue';
import { CalendarJob, clearSummaryOf } from '@roombook/queue';
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
      // The counts the job keeps beside its report's key: the dashboard never reads a full report.
      const counts = state === 'completed' ? clearSummaryOf(job.returnvalue)?.counts : undefined;
      latest.set(payload.calendarId, {
        at: new Date(job.finishedOn),
        state,
        test: payload.test,
        removed: counts ? counts.deleted_cancelled_events + counts.deleted_overlapping_events : 0,
        cancelledOccurrences: counts?.cancelled_overlapping_recurring_events ?? 0,
        ignored: counts?.ignored_overlapping_events ?? 0,
        failedItems: counts?.failed_items ?? 0,
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

/** The admin API's `mirror` of a calendar, as JSON carries it (times as ISO 8601 text). */
export interface MirrorJson {
  state: 'synced' | 'failed' | 'never';
  refreshedAt: string | null;
  failedAt: string | null;
  error: string | null;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "2 minutes ago": the largest whole unit, so an age reads at a glance; under 10 s is "just now". */
export function ago(at: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (seconds < 10) return 'just now';
  const [unit, size] = UNITS.find(([, s]) => seconds >= s)!;
  return relative.format(-Math.floor(seconds / size), unit);
}

/**
 * One line on how old the worker's copy of a room's calendar is (the dashboard's "mirror age"):
 * "synced 2 minutes ago", "last sync failed 5 minutes ago: <error>" or "not synced yet".
 */
export function syncLine(mirror: MirrorJson | undefined, now: Date): { state: MirrorJson['state']; text: string; at: string | null } {
  if (!mirror || mirror.state === 'never') return { state: 'never', text: 'not synced yet', at: null };
  if (mirror.state === 'failed') {
    const at = mirror.failedAt ?? mirror.refreshedAt;
    const when = at ? ` ${ago(new Date(at), now)}` : '';
    const lastGood = mirror.refreshedAt ? ` (last good sync ${ago(new Date(mirror.refreshedAt), now)})` : '';
    return { state: 'failed', text: `last sync failed${when}: ${mirror.error ?? 'unknown error'}${lastGood}`, at };
  }
  return { state: 'synced', text: `synced ${ago(new Date(mirror.refreshedAt!), now)}`, at: mirror.refreshedAt };
}
