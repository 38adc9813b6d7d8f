import type { CalendarsRepository } from '@roombook/db';
import { CalendarJob, MirrorJob, defaultJobOptions, type ClearCalendarPayload, type RefreshCalendarPayload } from '@roombook/queue';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';

const SCHEDULER_PREFIX = 'auto-clear-';

/**
 * Mirrors the calendars' auto_clear settings onto BullMQ job schedulers: one per calendar,
 * every clear_interval. Idempotent (upsert by a fixed id), so every worker process may run it;
 * schedulers of calendars no longer auto-cleared are removed.
 */
export async function syncClearSchedules(queue: Queue, calendars: CalendarsRepository, log: Logger): Promise<number> {
  const wanted = await calendars.listAutoClear();
  const wantedIds = new Set<string>();
  for (const calendar of wanted) {
    const id = `${SCHEDULER_PREFIX}${calendar.id}`;
    wantedIds.add(id);
    const data: ClearCalendarPayload = { calendarId: calendar.id, userId: null, test: false, trigger: 'schedule' };
    // Each scheduled job is made from this template, not through the queue's defaults.
    const { attempts, backoff, removeOnComplete, removeOnFail } = defaultJobOptions;
    await queue.upsertJobScheduler(
      id,
      { every: calendar.clearIntervalSeconds * 1000 },
      { name: CalendarJob.clearCalendar, data, opts: { attempts, backoff, removeOnComplete, removeOnFail } },
    );
  }
  for (const scheduler of await queue.getJobSchedulers()) {
    const key = scheduler.key ?? scheduler.id ?? '';
    if (key.startsWith(SCHEDULER_PREFIX) && !wantedIds.has(key)) {
      await queue.removeJobScheduler(key);
      log.info({ scheduler: key }, 'auto-clear schedule removed');
    }
  }
  return wanted.length;
}

const MIRROR_SCHEDULER_PREFIX = 'mirror-refresh-';

/**
 * One refresh-calendar scheduler per calendar, every MIRROR_REFRESH_SECONDS (issue 12), kept in step
 * with the calendars as the auto-clear ones are; idempotent, so every worker process may run it.
 * A scheduled refresh is not retried: the next one comes soon enough, and a failure is recorded on
 * the calendar (mirror_error, mirror_failed_at) while its last good data stays.
 */
export async function syncMirrorSchedules(queue: Queue, calendarIds: () => Promise<number[]>, everySeconds: number, log: Logger): Promise<number> {
  const wanted = await calendarIds();
  const wantedIds = new Set<string>();
  for (const calendarId of wanted) {
    const id = `${MIRROR_SCHEDULER_PREFIX}${calendarId}`;
    wantedIds.add(id);
    const data: RefreshCalendarPayload = { calendarId, reason: 'schedule' };
    await queue.upsertJobScheduler(
      id,
      { every: everySeconds * 1000 },
      { name: MirrorJob.refresh, data, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }
  for (const scheduler of await queue.getJobSchedulers()) {
    const key = scheduler.key ?? scheduler.id ?? '';
    if (key.startsWith(MIRROR_SCHEDULER_PREFIX) && !wantedIds.has(key)) {
      await queue.removeJobScheduler(key);
      log.info({ scheduler: key }, 'mirror refresh schedule removed');
    }
  }
  return wanted.length;
}
