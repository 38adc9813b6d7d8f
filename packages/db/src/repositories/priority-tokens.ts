import { randomBytes } from 'node:crypto';

import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';

import type { Database } from '../client.js';
import { ConflictError, NotFoundError, unique } from '../errors.js';
import { calendars, priorityTokens } from '../schema/index.js';

/** A priority token as listed: the calendar is named by slug; null = every calendar. */
export interface PriorityTokenInfo {
  id: number;
  token: string;
  calendar: string | null;
  label: string | null;
  active: boolean;
  createdAt: Date;
  revokedAt: Date | null;
}

/**
 * `prio-` + 20 URL-safe characters (120 random bits). The fixed prefix makes a token easy to spot
 * in an event description; the characters survive iCalendar folding and escaping unchanged
 * (no commas, semicolons or backslashes), so a plain substring match finds them.
 */
export function generatePriorityToken(): string {
  return `prio-${randomBytes(15).toString('base64url')}`;
}

const columns = {
  id: priorityTokens.id,
  token: priorityTokens.token,
  calendar: calendars.slug,
  label: priorityTokens.label,
  active: priorityTokens.active,
  createdAt: priorityTokens.createdAt,
  revokedAt: priorityTokens.revokedAt,
};

/** Priority tokens: an event whose DESCRIPTION contains an active token keeps its room in a clear. */
export function createPriorityTokensRepository(db: Database) {
  // Prepared, as calendars.ts explains: one PostgreSQL round trip instead of two for a query that
  // runs with every booking of a `reject` room (its conflict check) (issue 9); built on first use.
  let activeQuery: ReturnType<typeof prepareActive> | undefined;
  const prepareActive = () =>
    db
      .select({ token: priorityTokens.token })
      .from(priorityTokens)
      .where(and(eq(priorityTokens.active, true), or(eq(priorityTokens.calendarId, sql.placeholder('calendarId')), isNull(priorityTokens.calendarId))))
      .orderBy(asc(priorityTokens.id))
      .prepare('priority_tokens_active_for');
  async function find(ref: { id: number } | { token: string }): Promise<PriorityTokenInfo | undefined> {
    const [row] = await db
      .select(columns)
      .from(priorityTokens)
      .leftJoin(calendars, eq(calendars.id, priorityTokens.calendarId))
      .where('id' in ref ? eq(priorityTokens.id, ref.id) : eq(priorityTokens.token, ref.token));
    return row;
  }

  return {
    /**
     * Creates an active token for one calendar (`calendarId`) or for all (`null`). The token is
     * random; it is returned here and stays readable in the table, because clearing must match it
     * against event text.
     */
    async create(input: { calendarId: number | null; label?: string | undefined }): Promise<PriorityTokenInfo> {
      const token = generatePriorityToken();
      const [row] = await unique(
        db
          .insert(priorityTokens)
          .values({ token, calendarId: input.calendarId, label: input.label ?? null })
          .returning({ id: priorityTokens.id }),
        // 120 random bits: only reachable if the generator is broken.
        'generated priority token collides with an existing one',
      );
      return (await find({ id: row!.id }))!;
    },

    /** Every token, active or not, oldest first. */
    list(): Promise<PriorityTokenInfo[]> {
      return db
        .select(columns)
        .from(priorityTokens)
        .leftJoin(calendars, eq(calendars.id, priorityTokens.calendarId))
        .orderBy(asc(priorityTokens.createdAt), asc(priorityTokens.id));
    },

    /** Deactivates a token named by its id or its text; revoking twice is a ConflictError. */
    async revoke(ref: { id: number } | { token: string }): Promise<PriorityTokenInfo> {
      const match = 'id' in ref ? eq(priorityTokens.id, ref.id) : eq(priorityTokens.token, ref.token);
      const [row] = await db
        .update(priorityTokens)
        .set({ active: false, revokedAt: new Date() })
        .where(and(match, eq(priorityTokens.active, true)))
        .returning({ id: priorityTokens.id });
      if (!row) {
        const existing = await find(ref);
        const name = 'id' in ref ? `priority token ${ref.id}` : 'priority token';
        if (existing) throw new ConflictError(`${name} is already revoked`);
        throw new NotFoundError(`unknown ${name}`);
      }
      return (await find({ id: row.id }))!;
    },

    /** The active tokens that prioritise events in this calendar: its own and the all-calendar ones. */
    async activeFor(calendarId: number): Promise<string[]> {
      const rows = await (activeQuery ??= prepareActive()).execute({ calendarId });
      return rows.map((r) => r.token);
    },
  };
}

export type PriorityTokensRepository = ReturnType<typeof createPriorityTokensRepository>;
