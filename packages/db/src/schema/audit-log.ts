import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { calendars } from './calendars.js';
import { users } from './users.js';

/**
 * Every deletion or edit of a calendar object is recorded here *before* it is made, with the
 * object's full previous iCalendar text, so that it can be inspected and restored exactly.
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
  },
  (t) => [index().on(t.calendarId, t.at), index().on(t.uid)],
);
