import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

import { calendars } from './calendars.js';

/**
 * The calendar store (design §9, issues 9 and 12): each room calendar's objects as last read from
 * its server, keyed by href and ETag. It is what makes a clear cost proportional to what changed
 * (an object whose ETag is unchanged is never parsed again) and what the availability queries read
 * (the API never talks CalDAV). Only the worker writes here.
 */
export const calendarObjects = pgTable(
  'calendar_objects',
  {
    calendarId: integer()
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    /** Object href on the server, as the CalDAV client reports it. */
    href: text().notNull(),
    /** The server's ETag for `data`; null when it sent none (such an object is re-read every time). */
    etag: text(),
    uid: text(),
    /** The object's full iCalendar text, so it is re-expanded without a fetch when the window moves. */
    data: text().notNull(),
    /**
     * The object's occurrences expanded over [expandedFrom, expandedTo) with `expandKey`'s settings,
     * in a JSON shape owned by the worker's store module; null when not expanded yet.
     */
    occurrences: jsonb(),
    expandedFrom: timestamp({ withTimezone: true }),
    expandedTo: timestamp({ withTimezone: true }),
    /** What else the expansion depended on (the calendar's zone, the room's address): a change re-expands. */
    expandKey: text(),
    /** Why the object cannot be read (for the clear's `unreadable_objects`); null when it can. */
    unreadable: text(),
    /** Runaway-series notice from the expansion (the clear's `truncated_series`); null when none. */
    truncated: jsonb(),
    fetchedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.calendarId, t.href] })],
);

/**
 * When a room is busy (issue 12): the active occurrences of `calendar_objects` under exactly the
 * clearing rules (cancelled, declined and transparent occurrences are free), over the mirrored
 * window. Rewritten per object whenever that object's row changes.
 */
export const busyIntervals = pgTable(
  'busy_intervals',
  {
    calendarId: integer()
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    href: text().notNull(),
    start: timestamp({ withTimezone: true }).notNull(),
    end: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('busy_intervals_calendar_start').on(t.calendarId, t.start), index('busy_intervals_calendar_href').on(t.calendarId, t.href)],
);
