import { createCalDavClient, fencedClient, type CalDavClient } from '@roombook/caldav';
import { SecretUnreadableError } from '@roombook/db';
import { JobErrorCode, fence, type CalendarLock } from '@roombook/queue';
import type {
  AuditLogRepository,
  CalendarStoreRepository,
  CalendarWithCredentials,
  CalendarsRepository,
  PriorityTokensRepository,
} from '@roombook/db';
import type { Queue } from 'bullmq';

import { JobFailure } from './job-failure.js';
import type { RecipientCheck } from './mail-policy.js';
import type { PriorityMarker } from './priority-mark.js';
import type { ReportCache } from './clearing/report-cache.js';
import type { MirrorSignals } from './store/mirror-signals.js';

/** Everything a job handler may use; built once per process in worker.ts. */
export interface WorkerContext {
  calendars: CalendarsRepository;
  audit: AuditLogRepository;
  /** The calendar store (objects by ETag, their expansions, busy intervals): only the worker writes it. */
  store: CalendarStoreRepository;
  priorityTokens: PriorityTokensRepository;
  /** The last dry-run report of a few calendars, reused while their store and the plan's inputs are unchanged. */
  reportCache: ReportCache;
  /** Signs and checks the priority of events booked with `prioritized: true`. */
  priorityMarker: PriorityMarker;
  /** SMTP is configured: clears queue notification mails. */
  mailEnabled: boolean;
  withCalendarLock: CalendarLock;
  /**
   * Serialises the store refreshes of one calendar (a lock of its own, so bookings never wait for a
   * refresh); a clear takes it inside its calendar lock for the refreshes it makes.
   */
  withStoreLock: CalendarLock;
  /** Tells the store about our own writes (one deduplicated refresh job per calendar, delayed in allow rooms). */
  mirror: MirrorSignals;
  /** The mail queue, for the clear job's notifications. */
  mailQueue: Queue;
  /** Which addresses may get notification mails now (MAIL_ALLOWED_DOMAINS). */
  mailRecipients: () => Promise<RecipientCheck>;
  /** The calendar queue, to follow a booking with a clear on auto_clear calendars. */
  calendarQueue: Queue;
  autoClearAfterBookingMs: number;
  /** Opens the calendar's CalDAV collection with its decrypted credentials. */
  openCalendar: (calendarId: number) => Promise<{ calendar: CalendarWithCredentials; client: CalDavClient }>;
}

/**
 * Opens calendars for handlers. The client is fenced: each write first proves this job still holds
 * the calendar's lock (see @roombook/queue's calendar-lock.ts), so a handler that lost its lease cannot write.
 */
export function calendarOpener(
  calendars: CalendarsRepository,
  timeoutMs: number,
  onRequest?: (method: string, status: number | null, ms: number) => void,
) {
  return async (calendarId: number) => {
    const calendar = await calendars.withCredentials(calendarId).catch(async (error: unknown) => {
      if (!(error instanceof SecretUnreadableError)) throw error;
      // Retrying cannot help (the key will not change under a running worker), and backing off
      // would leave the booking in `delayed` for minutes before it fails anyway.
      const { slug } = await calendars.requireById(calendarId);
      throw new JobFailure(
        JobErrorCode.credentialsUnreadable,
        `cannot read the stored CalDAV password of calendar "${slug}": SECRET_KEY is not the key it was stored with. ` +
          `Start the worker with the original SECRET_KEY, or store the password again under this one: ` +
          `roombook calendar update --slug ${slug} --password-env VAR`,
        true,
      );
    });
    const client = createCalDavClient({
      url: calendar.url,
      username: calendar.username,
      password: calendar.password,
      timeoutMs,
      allowPrivateAddress: calendar.allowPrivateAddress,
      ...(onRequest && { onRequest }),
    });
    return { calendar, client: fencedClient(client, () => fence(calendar.id)) };
  };
}
