import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull().unique(),
  email: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** API keys: only the SHA-256 of the token is kept; `prefix` is the visible part used to name a key. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    label: text(),
    /** May book events with `prioritized: true` (they keep the room in a clear). */
    canPrioritize: boolean().notNull().default(false),
    prefix: text().notNull(),
    tokenHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex().on(t.tokenHash), uniqueIndex().on(t.prefix), index().on(t.userId)],
);
