import { randomBytes } from 'node:crypto';

import { and, arrayContains, asc, desc, eq, inArray, isNull, isNotNull, or, sql } from 'drizzle-orm';

import type { Database } from '../client.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { bookings, calendarUsers, users, webhookDeliveries, webhooks } from '../schema/index.js';
import type { SecretBox } from '../secret-box.js';

/** A webhook as listed: the owner by name, never the secret (not even its ciphertext). */
export interface WebhookInfo {
  id: number;
  user: string;
  url: string;
  /** Event types delivered; empty = every type. */
  events: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

/** What the delivering worker needs: where to send and the secret to sign with. */
export interface WebhookTarget {
  id: number;
  userId: number;
  url: string;
  secret: string;
  revokedAt: Date | null;
}

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type NewWebhookDelivery = Omit<typeof webhookDeliveries.$inferInsert, 'id' | 'at'>;

/**
 * A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes (the spec asks for
 * 24 to 64 bytes; receivers base64-decode the part after the prefix to get the HMAC key).
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const columns = {
  id: webhooks.id,
  user: users.name,
  url: webhooks.url,
  events: webhooks.events,
  createdAt: webhooks.createdAt,
  revokedAt: webhooks.revokedAt,
};

/** Webhooks and their delivery log (issue 12). `secrets` is needed to create one or read its secret. */
export function createWebhooksRepository(db: Database, secrets?: SecretBox) {
  // Prepared, as calendars.ts explains: one PostgreSQL round trip instead of two for a query that
  // runs with every booking job (its subscriber lookup) (issue 9); built on first use.
  let subscribedQuery: ReturnType<typeof prepareSubscribed> | undefined;
  const prepareSubscribed = () =>
    db
      .select({ id: webhooks.id, userId: webhooks.userId })
      .from(webhooks)
      .where(
        and(
          isNull(webhooks.revokedAt),
          sql`${webhooks.userId} = any(${sql.placeholder('userIds')}::int[])`,
          or(eq(sql`cardinality(${webhooks.events})`, 0), arrayContains(webhooks.events, sql.placeholder('types'))),
        ),
      )
      .orderBy(asc(webhooks.id))
      .prepare('webhooks_subscribed');
  function box(): SecretBox {
    if (!secrets) throw new Error('this webhooks repository was created without a secret box');
    return secrets;
  }

  async function find(id: number): Promise<WebhookInfo | undefined> {
    const [row] = await db.select(columns).from(webhooks).innerJoin(users, eq(users.id, webhooks.userId)).where(eq(webhooks.id, id));
    return row;
  }

  async function require(id: number): Promise<WebhookInfo> {
    const row = await find(id);
    if (!row) throw new NotFoundError(`unknown webhook ${id}`);
    return row;
  }

  return {
    find,
    require,

    /** Stores a webhook with a new secret; the secret's plain text is in the result, and only there. */
    async create(input: { userId: number; url: string; events: string[] }): Promise<WebhookInfo & { secret: string }> {
      const secret = generateWebhookSecret();
      const [row] = await db
        .insert(webhooks)
        .values({ userId: input.userId, url: input.url, events: input.events, secretEncrypted: box().encrypt(secret) })
        .returning({ id: webhooks.id });
      return { ...(await require(row!.id)), secret };
    },

    /** Every webhook (revoked ones too), oldest first; `userId` narrows to one user's. */
    list(filter: { userId?: number } = {}): Promise<WebhookInfo[]> {
      return db
        .select(columns)
        .from(webhooks)
        .innerJoin(users, eq(users.id, webhooks.userId))
        .where(filter.userId === undefined ? undefined : eq(webhooks.userId, filter.userId))
        .orderBy(asc(webhooks.id));
    },

    /** Stops deliveries: jobs already queued find it revoked and send nothing. Twice is a ConflictError. */
    async revoke(id: number): Promise<WebhookInfo> {
      const [row] = await db
        .update(webhooks)
        .set({ revokedAt: new Date() })
        .where(and(eq(webhooks.id, id), isNull(webhooks.revokedAt)))
        .returning({ id: webhooks.id });
      if (!row) {
        await require(id);
        throw new ConflictError(`webhook ${id} is already revoked`);
      }
      return require(id);
    },

    /** The active webhooks of these users that want `type` (an empty event list wants every type). */
    async subscribed(userIds: readonly number[], type: string): Promise<{ id: number; userId: number }[]> {
      if (userIds.length === 0) return [];
      return (subscribedQuery ??= prepareSubscribed()).execute({ userIds: [...userIds], types: [type] });
    },

    /** The users granted a calendar: who hears of a clear that no user asked for (schedule, after a booking). */
    async usersOfCalendar(calendarId: number): Promise<number[]> {
      const rows = await db.select({ userId: calendarUsers.userId }).from(calendarUsers).where(eq(calendarUsers.calendarId, calendarId));
      return rows.map((r) => r.userId);
    },

    /** Who made each of these bookings through the API (uid -> user id); events made elsewhere are absent. */
    async bookingMakers(calendarId: number, uids: readonly string[]): Promise<Map<string, number>> {
      if (uids.length === 0) return new Map();
      const rows = await db
        .select({ uid: bookings.uid, userId: bookings.userId })
        .from(bookings)
        .where(and(eq(bookings.calendarId, calendarId), inArray(bookings.uid, [...uids]), isNotNull(bookings.userId)));
      return new Map(rows.map((r) => [r.uid, r.userId!]));
    },

    /** A webhook with its decrypted secret, for signing; undefined when it no longer exists. */
    async target(id: number): Promise<WebhookTarget | undefined> {
      const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
      if (!row) return undefined;
      return { id: row.id, userId: row.userId, url: row.url, secret: box().decrypt(row.secretEncrypted), revokedAt: row.revokedAt };
    },

    async recordDelivery(entry: NewWebhookDelivery): Promise<WebhookDelivery> {
      const [row] = await db.insert(webhookDeliveries).values(entry).returning();
      return row!;
    },

    /** A webhook's delivery attempts, newest first. */
    async deliveries(id: number, options: { limit?: number } = {}): Promise<WebhookDelivery[]> {
      await require(id);
      return db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.webhookId, id))
        .orderBy(desc(webhookDeliveries.at), desc(webhookDeliveries.id))
        .limit(options.limit ?? 100);
    },
  };
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
