import type { NotifyPayload } from '@roombook/queue';

/** One event that holds the room the notified event lost (seed: an entry of `overlap_events`). */
export interface OverlapEventVariables {
  name: string;
  start: Date;
  end: Date;
  created: Date | null;
  organizer: string | null;
  is_priorized: boolean;
}

/**
 * The variables a notification template can use. Names (including the seed's misspelt
 * `is_priorized`) match the original app so its templates port over; instants are `Date`s and are
 * shown in the calendar's time zone when rendered.
 */
export interface TemplateVariables {
  /** Summary of the removed event. */
  name: string;
  start: Date;
  end: Date;
  /** When the event was created (CREATED), if the calendar object says. */
  created: Date | null;
  /** The whole event was deleted (a non-recurring booking lost). */
  is_deleted: boolean;
  /** A single occurrence of a recurring event was cancelled/declined. */
  is_cancelled: boolean;
  is_recurring: boolean;
  /** The removed event itself was prioritized (it lost to an earlier prioritized booking). */
  is_priorized: boolean;
  /** Booked first, but a prioritized event took the room. */
  is_deprioritized: boolean;
  /** Organizer's address, without a `mailto:` prefix. */
  organizer: string;
  /** The events that keep the room. */
  overlap_events: OverlapEventVariables[];
  /** Display name of the room calendar. */
  calendar_name: string;
}

function instant(iso: string, field: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${field} is not a valid date-time: ${iso}`);
  return date;
}

/** CalDAV organizers are URIs (`mailto:a@b`); people want to read an address. */
function organizerAddress(value: string): string {
  return value.replace(/^mailto:/i, '');
}

/**
 * Maps a `mail` queue job payload (UTC ISO strings) to template variables.
 * @param calendarName - the calendar's display name (`calendar_name`), looked up by the worker.
 */
export function toTemplateVariables(payload: NotifyPayload, calendarName: string): TemplateVariables {
  const { event } = payload;
  return {
    name: event.name,
    start: instant(event.start, 'event.start'),
    end: instant(event.end, 'event.end'),
    created: event.created === null ? null : instant(event.created, 'event.created'),
    is_deleted: event.is_deleted,
    is_cancelled: event.is_cancelled,
    is_recurring: event.is_recurring,
    is_priorized: event.is_priorized,
    is_deprioritized: event.is_deprioritized,
    organizer: organizerAddress(event.organizer),
    overlap_events: payload.overlap_events.map((o, i) => ({
      name: o.name,
      start: instant(o.start, `overlap_events[${i}].start`),
      end: instant(o.end, `overlap_events[${i}].end`),
      created: o.created === null ? null : instant(o.created, `overlap_events[${i}].created`),
      organizer: o.organizer === null ? null : organizerAddress(o.organizer),
      is_priorized: o.is_priorized,
    })),
    calendar_name: calendarName,
  };
}

/**
 * Realistic example data for previews and validation.
 * - `deleted`: a one-off booking deleted because an older booking holds the room (one overlap).
 * - `cancelled`: one occurrence of a series cancelled because two prioritized events took the room;
 *   exercises the other branches (`is_cancelled`, `is_deprioritized`, null organizer/created, `&`).
 */
export function sampleVariables(kind: 'deleted' | 'cancelled' = 'deleted'): TemplateVariables {
  if (kind === 'deleted') {
    return {
      name: 'Fundraising Weekly',
      start: new Date('2025-07-15T08:00:00Z'),
      end: new Date('2025-07-15T10:00:00Z'),
      created: new Date('2025-07-09T13:11:19Z'),
      is_deleted: true,
      is_cancelled: false,
      is_recurring: false,
      is_priorized: false,
      is_deprioritized: false,
      organizer: 'head-of-fundraising@my-awesome.org',
      overlap_events: [
        {
          name: 'Finance Monthly',
          start: new Date('2025-07-15T08:00:00Z'),
          end: new Date('2025-07-15T10:00:00Z'),
          created: new Date('2025-01-14T07:33:20Z'),
          organizer: 'head-of-finance@my-awesome.org',
          is_priorized: false,
        },
      ],
      calendar_name: 'Meeting room 1',
    };
  }
  return {
    name: 'Job Interviews',
    start: new Date('2025-07-14T12:00:00Z'),
    end: new Date('2025-07-14T13:00:00Z'),
    created: new Date('2025-06-30T10:04:14Z'),
    is_deleted: false,
    is_cancelled: true,
    is_recurring: true,
    is_priorized: false,
    is_deprioritized: true,
    organizer: 'head-of-hr@my-awesome.org',
    overlap_events: [
      {
        name: 'Works Council & Board',
        start: new Date('2025-07-14T11:30:00Z'),
        end: new Date('2025-07-14T12:30:00Z'),
        created: new Date('2025-07-10T10:33:39Z'),
        organizer: 'workers-council@my-awesome.org',
        is_priorized: true,
      },
      {
        name: 'Fire drill',
        start: new Date('2025-07-14T12:30:00Z'),
        end: new Date('2025-07-14T13:00:00Z'),
        created: null,
        organizer: null,
        is_priorized: true,
      },
    ],
    calendar_name: 'Meeting room 2',
  };
}
