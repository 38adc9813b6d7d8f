import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { calendars } from './calendars.js';

/** An event whose DESCRIPTION contains an active token keeps its room in a clear. */
export const priorityTokens = pgTable(
  'priority_tokens',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    token: text().notNull().unique(),
    /** null = valid for every calendar. */
    calendarId: integer().references(() => calendars.id, { onDelete: 'cascade' }),
    active: boolean().notNull().default(true),
    label: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.calendarId)],
);
