import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { calendars } from './calendars.js';
import { users } from './users.js';

/** Where an audited write stands (design §9): see AuditState in the repository. */
export const auditStates = ['pending', 'applied', 'failed'] as const;

/**
 * Every deletion or edit of a calendar object is recorded here *before* it is made, with the
 * object's full previous iCalendar text, so that it can be inspected and restored exactly. The
 * entry is `pending` until the write's outcome is known; a retry reconciles pending entries by
 * re-reading the object (etagBefore / textAfter say what "unchanged" and "done" look like).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    userId: integer().references(() => users.id, { onDelete: 'set null' }),
    jobId: text(),
    calendarId: integer()
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    uid: text().notNull(),
    recurrenceId: text(),
    /** deleted | declined | cancelled | restored */
    action: text().notNull(),
    /** Object href on the server, relative to the calendar collection. */
    href: text().notNull(),
    /** ETag of the object after our write (null after a delete), to restore safely. */
    etagAfter: text(),
    previousIcal: text().notNull(),
    /** pending | applied | failed; rows from before states existed are applied (migration 0003). */
    state: text({ enum: auditStates }).notNull().default('pending'),
    /** ETag of exactly the text in previousIcal, which the write was conditional on (null: nothing was there). */
    etagBefore: text(),
    /** The text the write puts on the server; null for a deletion. */
    textAfter: text(),
    /** Why the entry is failed, or what reconciling it found. */
    error: text(),
    /**
     * Mail jobs (their payloads) that follow this write once it is applied; kept with the entry so
     * that a write whose answer was lost still gets its mails when a retry reconciles it.
     */
    notifications: jsonb().$type<unknown[]>(),
  },
  (t) => [index().on(t.calendarId, t.at), index().on(t.uid), index().on(t.calendarId, t.state), index().on(t.jobId)],
);
