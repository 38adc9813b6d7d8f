import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

import { users } from './users.js';

/**
 * Where a user's events are delivered (issue 12). The signing secret must be recoverable to sign
 * each delivery, so unlike an API key it is not hashed but sealed with the secret box
 * (AES-256-GCM under SECRET_KEY); its plain text is shown once, at creation.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text().notNull(),
    /** Event types delivered; empty = every type. */
    events: text().array().notNull().default([]),
    /** secret-box ciphertext of the `whsec_…` secret; never the plain text. */
    secretEncrypted: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId)],
);

/** One row per delivery attempt: what was sent, how the receiver answered, how long it took. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    webhookId: integer()
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The Standard Webhooks `webhook-id`: the same for every attempt of one message. */
    messageId: text().notNull(),
    eventType: text().notNull(),
    /** 1 for the first try. */
    attempt: integer().notNull(),
    /** The receiver's HTTP status; null when none came (timeout, refused connection). */
    statusCode: integer(),
    /** Why the attempt did not count as delivered; null on a 2xx. */
    error: text(),
    durationMs: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.webhookId, t.at)],
);
