import { Type, type Static, type TSchema } from 'typebox';

import { Instant } from './jobs/instant.js';

/**
 * The events a webhook receives (issue 12). Every delivery's body is `{type, timestamp, data}`;
 * `data` names the job, the calendar (its slug) and, for booking events, the event. These schemas
 * are the contract with receivers: the README shows an example of each, and the admin API's
 * OpenAPI document can reuse them.
 */
export const WebhookEventType = {
  bookingCreated: 'booking.created',
  bookingFailed: 'booking.failed',
  bookingDeleted: 'booking.deleted',
  bookingRemoved: 'booking.removed',
  clearCompleted: 'clear.completed',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];
export const webhookEventTypes: readonly WebhookEventType[] = Object.values(WebhookEventType);

/** The job whose outcome the event reports (`GET /api/jobs/{id}` shows it in full). */
const JobRef = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'create-event, delete-event or clear-calendar' }),
});

/** A booking as events name it: its id (the iCalendar UID) and, where known, what and when (ISO-8601 with the room's offset). */
const BookingRef = Type.Object({
  id: Type.String({ description: 'the booking id (iCalendar UID) returned by POST /api/{calendar}/events' }),
  name: Type.Optional(Type.String()),
  start: Type.Optional(Type.String()),
  end: Type.Optional(Type.String()),
});

/** What every event about one known booking says of it (times ISO-8601 with the room's offset). */
const BookedEvent = Type.Object({ id: Type.String(), name: Type.String(), start: Type.String(), end: Type.String() });

export const BookingCreatedData = Type.Object({
  job: JobRef,
  calendar: Type.String(),
  event: Type.Object({
    ...BookedEvent.properties,
    rrule: Type.Optional(Type.String()),
    href: Type.String({ description: 'URL of the calendar object on the CalDAV server' }),
  }),
});

export const BookingFailedData = Type.Object({
  job: JobRef,
  calendar: Type.String(),
  operation: Type.Union([Type.Literal('create'), Type.Literal('delete')]),
  event: BookingRef,
  /** The job's error as `GET /api/jobs/{id}` and `Prefer: wait` report it. */
  problem: Type.Object({
    code: Type.String({ description: 'stable job error code, e.g. CONFLICT, CALDAV_UNAVAILABLE, NOT_FOUND' }),
    type: Type.String({ description: 'the RFC 9457 problem type the API answers for it, e.g. /problems/job-conflict' }),
    detail: Type.String(),
  }),
});

export const BookingDeletedData = Type.Object({
  job: JobRef,
  calendar: Type.String(),
  event: Type.Object({
    id: Type.String(),
    /** set when only one occurrence of a series was cancelled */
    occurrence: Type.Optional(Type.String()),
  }),
});

export const BookingRemovedData = Type.Object({
  job: JobRef,
  calendar: Type.String(),
  event: Type.Object({ ...BookedEvent.properties, recurrence_id: Type.Union([Type.String(), Type.Null()]) }),
  /** what the clear did: the booking was deleted, or (one occurrence of a series) declined or cancelled */
  action: Type.String(),
  reason: Type.String(),
  /** the event that keeps the room, when an overlap was the reason */
  overlaps_with: Type.Union([Type.Object({ name: Type.String(), start: Type.String(), end: Type.String() }), Type.Null()]),
});

export const ClearCompletedData = Type.Object({
  job: JobRef,
  calendar: Type.String(),
  test_mode: Type.Boolean(),
  trigger: Type.String({ description: 'api, admin, cli, schedule or booking' }),
  /** the lengths of the clear report's lists */
  counts: Type.Object({
    deleted_cancelled_events: Type.Integer(),
    deleted_overlapping_events: Type.Integer(),
    cancelled_overlapping_recurring_events: Type.Integer(),
    ignored_overlapping_events: Type.Integer(),
    unreadable_objects: Type.Integer(),
    truncated_series: Type.Integer(),
    mails_queued: Type.Integer(),
  }),
});

function event<T extends WebhookEventType, D extends TSchema>(type: T, data: D) {
  return Type.Object({ type: Type.Literal(type), timestamp: Instant, data });
}

export const WebhookEvent = Type.Union([
  event(WebhookEventType.bookingCreated, BookingCreatedData),
  event(WebhookEventType.bookingFailed, BookingFailedData),
  event(WebhookEventType.bookingDeleted, BookingDeletedData),
  event(WebhookEventType.bookingRemoved, BookingRemovedData),
  event(WebhookEventType.clearCompleted, ClearCompletedData),
]);
/** A delivery's body. */
export type WebhookEvent = Static<typeof WebhookEvent>;
