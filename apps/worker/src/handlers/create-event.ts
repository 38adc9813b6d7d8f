import { localIso } from '@roombook/booking';
import { checkBooking, type ClashingSlot, type Occurrence } from '@roombook/booking';
import { buildEvent, seriesOccurrences, type BuildEventInput } from '@roombook/ical';
import {
  CalendarJob,
  CreateEventPayload,
  JobErrorCode,
  fenceAhead,
  parsePayload,
  type BookingConflict,
  type BookingRefusal,
  type ClearCalendarPayload,
  type CreateEventResult,
  type SkippedOccurrence,
} from '@roombook/queue';
import type { CalDavClient } from '@roombook/caldav';
import type { CalendarWithCredentials } from '@roombook/db';
import type { Job } from 'bullmq';

import { expandCalendar } from '../clearing/occurrences.js';
import { refreshStore } from '../store/refresh.js';
import { storeWindow } from '../store/store-window.js';
import { storedCalendar } from '../store/stored-plan-input.js';
import type { WorkerContext } from '../context.js';
import { JobFailure } from '../job-failure.js';

/**
 * Writes a new booking as `<uid>.ics` with If-None-Match: * — a retry after a lost answer finds
 * its own object (412) and reports it instead of writing a duplicate. On a calendar with
 * `conflict_policy = reject` it first reads the slot under the calendar's lock and refuses a clash
 * (issue 11); a series may leave up to `series_max_conflicts` clashing occurrences out.
 */
export async function createEvent(job: Job, ctx: WorkerContext): Promise<CreateEventResult> {
  const payload = parsePayload(CreateEventPayload, job.data);
  // The booking's owner (issue 10), written here rather than by the API (issue 9) and awaited before
  // the PUT, so no event is on the server without its row; until then the pending job stands for it.
  // Sent first: of the round trips that start here it is the one the PUT waits for last (its
  // commit waits for PostgreSQL's flush).
  const owning = ctx.calendars.recordBooking(payload.calendarId, payload.uid, payload.userId);
  owning.catch(() => {});
  // The calendar's row is read while the lock is taken (two round trips at once, issue 9); it is
  // awaited first thing under the lock, and a failed read is not left unobserved when the lock
  // is not got (the job is parked).
  const opening = ctx.openCalendar(payload.calendarId);
  opening.catch(() => {});
  const now = new Date();
  const event: BuildEventInput = {
    uid: payload.uid,
    summary: payload.name,
    start: new Date(payload.start),
    end: new Date(payload.end),
    timeZone: payload.timeZone,
    ...(payload.description !== undefined && { description: payload.description }),
    ...(payload.organizer !== undefined && { organizer: payload.organizer }),
    ...(payload.prioritized === true && {
      priorityMark: ctx.priorityMarker.mark({ calendarId: payload.calendarId, uid: payload.uid, start: new Date(payload.start), end: new Date(payload.end) }),
    }),
    ...(payload.rrule !== undefined && { rrule: payload.rrule }),
    // CREATED decides who keeps the room in a clear, so it is the booking's time, not the retry's.
    created: new Date(job.timestamp),
    stamp: now,
  };
  // Built before the lock's SET goes out (0.1 ms warm, 0.3-0.4 ms in a worker that books now and
  // then, issue 9). Building it in the turn after the SET instead, beside the round trips, saved
  // ~0.5 ms when the build cost 1 ms; once ical-generator's folding was taken off the VTIMEZONE it
  // no longer paid for the machinery (a lazy build, an early-observed lock promise).
  const plain = buildEvent(event);
  const slots = payload.rrule !== undefined ? seriesOccurrences(plain, payload.timeZone) : [{ start: event.start, end: event.end }];
  const result = await ctx.withCalendarLock(payload.calendarId, async () => {
    const { calendar, client } = await opening;
    const reject = calendar.conflictPolicy === 'reject';
    // The PUT's fence (the lease still ours) goes out beside the owner row's insert, which the PUT
    // waits for anyway: one round trip fewer on its way (issue 9). A `reject` room reads the server
    // first, so its PUT fences then, as every write does.
    if (!reject) fenceAhead(payload.calendarId);
    await owning;
    const skipped = reject ? await clashesToSkip(job, ctx, calendar, client, payload, slots, now) : [];
    const ics = skipped.length > 0 ? buildEvent({ ...event, exdates: skipped.map((s) => s.start) }) : plain;
    const written = await client.createObject(`${payload.uid}.ics`, ics);
    const base: CreateEventResult = { id: payload.uid, href: written.href, etag: written.etag, alreadyExisted: !written.created };
    if (payload.rrule === undefined) return base;
    return { ...base, occurrences: slots.length - skipped.length, skipped_occurrences: skipped.map((s) => slotView(s, calendar.timeZone)) };
  });
  // Also when it already existed: the attempt that wrote it may have died before saying so.
  const { calendar } = await opening;
  ctx.mirror.written(calendar);
  if (calendar.autoClear) await clearSoon(payload.calendarId, ctx);
  // No updateProgress(100): the job completes right after, and a Redis round trip per booking
  // for a figure nobody can observe before `completed` was pure overhead (issue 9).
  return result;
}

/**
 * Reads the calendar over the booking's span — from the refreshed calendar store when the span lies
 * in the store's window, else every VEVENT object expanded by the clear's own code — and judges the booking with the clear's rules. Returns the occurrences a series skips;
 * throws a permanent CONFLICT failure, with the clashes in the job's progress, when it is refused.
 */
async function clashesToSkip(
  job: Job,
  ctx: WorkerContext,
  calendar: CalendarWithCredentials,
  client: CalDavClient,
  payload: CreateEventPayload,
  slots: { start: Date; end: Date }[],
  now: Date,
): Promise<ClashingSlot[]> {
  const from = new Date(Math.min(now.getTime(), ...slots.map((s) => s.start.getTime())));
  const to = new Date(Math.max(...slots.map((s) => s.end.getTime())) + 86_400_000);
  const isPriorityMarkValid = (booking: { uid: string; start: Date; end: Date }, mark: string | null) =>
    ctx.priorityMarker.verify({ calendarId: calendar.id, ...booking }, mark);
  // Read while the room is (the store refreshed, or the server read): one round trip fewer on the
  // way to the PUT (issue 9). Caught here so a failure is not unhandled when that read fails first.
  const tokens = ctx.priorityTokens.activeFor(calendar.id);
  tokens.catch(() => {});
  const stored = storeWindow(now, calendar);
  let occurrences: Occurrence[];
  if (from.getTime() >= stored.from.getTime() && to.getTime() <= stored.to.getTime()) {
    // Inside what the store expands (issue 9): refresh it — one sync REPORT when nothing changed, else
    // only the changed objects — and read the slot from it instead of fetching and parsing everything.
    await ctx.withStoreLock(calendar.id, () => refreshStore({ calendar, client, store: ctx.store, now }));
    ({ occurrences } = await storedCalendar(ctx.store, calendar.id, { from, to }, isPriorityMarkValid));
  } else {
    // Beyond the store's window (a booking further ahead than the room's horizon): read the server.
    ({ occurrences } = expandCalendar(await client.fetchObjects(), {
      from,
      to,
      timeZone: calendar.timeZone,
      roomAddresses: calendar.roomEmail ? [calendar.roomEmail] : [],
      isPriorityMarkValid,
    }));
  }
  const verdict = checkBooking({
    slots,
    // A retry after a lost answer finds the booking itself on the server: it is no conflict.
    existing: occurrences.filter((o) => o.uid !== payload.uid),
    prioritized: payload.prioritized === true,
    priorityTokens: await tokens,
    seriesMaxConflicts: calendar.seriesMaxConflicts,
    isSeries: payload.rrule !== undefined,
    now,
  });
  if (verdict.verdict === 'accept') return verdict.skipped;
  const zone = calendar.timeZone;
  const conflicts = uniqueConflicts(verdict.clashes, zone);
  const refusal: BookingRefusal = {
    phase: 'refused',
    conflicts,
    ...(payload.rrule !== undefined && { clashing_occurrences: verdict.clashes.map((c) => slotView(c, zone)) }),
  };
  await job.updateProgress(refusal as unknown as object);
  const what =
    payload.rrule !== undefined
      ? `${verdict.clashes.length} of ${slots.length} occurrences clash (at most ${calendar.seriesMaxConflicts} may be skipped)`
      : 'the room is taken';
  throw new JobFailure(
    JobErrorCode.conflict,
    `${what}: ${conflicts.slice(0, 3).map((c) => `"${c.name}" ${c.start} to ${c.end}`).join(', ')}${conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : ''}; nothing was written`,
    true,
  );
}

function conflictView(o: { name: string; start: Date; end: Date }, zone: string): BookingConflict {
  return { name: o.name, start: localIso(o.start, zone), end: localIso(o.end, zone) };
}

function slotView(slot: ClashingSlot, zone: string): SkippedOccurrence {
  return { start: localIso(slot.start, zone), end: localIso(slot.end, zone), conflicts: slot.conflicts.map((o) => conflictView(o, zone)) };
}

/** Each event occurrence in the way once, by start. */
function uniqueConflicts(clashes: ClashingSlot[], zone: string): BookingConflict[] {
  const seen = new Map<string, BookingConflict>();
  for (const clash of clashes) {
    for (const o of clash.conflicts) seen.set(`${o.objectId}\u0000${o.start.getTime()}`, conflictView(o, zone));
  }
  return [...seen.values()].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/**
 * On auto_clear calendars a new booking is followed by a clear (design §4), debounced: bookings
 * arriving within the delay share one clear, which runs after the last of them.
 */
async function clearSoon(calendarId: number, ctx: WorkerContext): Promise<void> {
  const data: ClearCalendarPayload = { calendarId, userId: null, test: false, trigger: 'booking' };
  const delay = ctx.autoClearAfterBookingMs;
  await ctx.calendarQueue.add(CalendarJob.clearCalendar, data, {
    delay,
    deduplication: { id: `clear-after-booking-${calendarId}`, ttl: Math.max(delay, 1), extend: true, replace: true },
  });
}
