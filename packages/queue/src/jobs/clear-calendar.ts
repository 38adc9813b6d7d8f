import { Type, type Static } from 'typebox';

import { Instant } from './instant.js';

export const ClearCalendarPayload = Type.Object({
  calendarId: Type.Integer(),
  /** null for scheduled clears */
  userId: Type.Union([Type.Integer(), Type.Null()]),
  test: Type.Boolean(),
  /** admin: the admin API or console; api: a client asked; schedule: auto_clear's interval; booking: auto_clear, shortly after a new booking */
  trigger: Type.Union([Type.Literal('api'), Type.Literal('schedule'), Type.Literal('booking'), Type.Literal('cli'), Type.Literal('admin')]),
});
export type ClearCalendarPayload = Static<typeof ClearCalendarPayload>;

const DateTime = Instant;

/** An event as the seed's report shows it (instants in the calendar's zone, with offset). */
export const ReportEvent = Type.Object({
  uid: Type.String(),
  name: Type.String(),
  start: DateTime,
  end: DateTime,
  created: Type.Union([DateTime, Type.Null()]),
  organizer: Type.Union([Type.String(), Type.Null()]),
  recurrence_id: Type.Union([Type.String(), Type.Null()]),
});
export type ReportEvent = Static<typeof ReportEvent>;

export const ReportItem = Type.Object({
  event: ReportEvent,
  /** The (first) event that keeps the room, as in the seed; null for cancelled leftovers. */
  overlaps_with: Type.Union([ReportEvent, Type.Null()]),
  /** Further events that keep the room and overlap this one (the seed showed only one). */
  also_overlaps: Type.Array(ReportEvent),
  calendar: Type.String(),
  recurrence_id: Type.Union([Type.String(), Type.Null()]),
  action: Type.Union([
    Type.Literal('deleted'),
    Type.Literal('declined'),
    Type.Literal('cancelled'),
    Type.Literal('ignored'),
    Type.Literal('none'),
  ]),
  reason: Type.String(),
  /** applied | planned (test mode) | failed (see error) | skipped (nothing to do) */
  status: Type.Union([Type.Literal('applied'), Type.Literal('planned'), Type.Literal('failed'), Type.Literal('skipped')]),
  error: Type.Optional(Type.String()),
  /** Set when the organizer's notification was not sent, saying why (e.g. a domain not allowed). */
  mail: Type.Optional(Type.String()),
});
export type ReportItem = Static<typeof ReportItem>;

/** The seed's clearing report, plus per-item action/reason/status. */
export const ClearReport = Type.Object({
  deleted_cancelled_events: Type.Array(ReportItem),
  deleted_overlapping_events: Type.Array(ReportItem),
  cancelled_overlapping_recurring_events: Type.Array(ReportItem),
  ignored_overlapping_events: Type.Array(ReportItem),
  test_mode: Type.Boolean(),
  /** Objects that could not be read (bad iCalendar); left untouched. */
  unreadable_objects: Type.Array(Type.Object({ calendar: Type.String(), href: Type.String(), error: Type.String() })),
  /**
   * Series whose expansion the runaway guard stopped (a rule like FREQ=SECONDLY): their occurrences
   * after `expanded_until` were neither checked nor blocked anything.
   */
  truncated_series: Type.Array(
    Type.Object({
      calendar: Type.String(),
      href: Type.String(),
      uid: Type.String(),
      expanded_until: Type.Union([DateTime, Type.Null()]),
      reason: Type.String(),
    }),
  ),
  /** Notification mails queued for losing organizers. */
  mails_queued: Type.Integer(),
  /** The window that was cleared, per calendar. */
  windows: Type.Array(Type.Object({ calendar: Type.String(), from: DateTime, to: DateTime })),
});
export type ClearReport = Static<typeof ClearReport>;
