import { and, eq, gt, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';

import type { Database } from '../client.js';
import { busyIntervals, calendarObjects, calendars } from '../schema/index.js';

/** The sync state a refresh starts from (calendars.mirror_*). */
export interface MirrorState {
  refreshedAt: Date | null;
  syncToken: string | null;
  ctag: string | null;
  /** When every member and ETag was last compared with the server (a listing, not a sync answer). */
  listedAt: Date | null;
  from: Date | null;
  to: Date | null;
  error: string | null;
  failedAt: Date | null;
}

/** What the store knows of one object without its data or occurrences: enough to decide what to redo. */
export interface StoredVersion {
  href: string;
  etag: string | null;
  expandedFrom: Date | null;
  expandedTo: Date | null;
  expandKey: string | null;
}

/** One object as the store keeps it; `occurrences` and `truncated` are opaque JSON owned by the worker. */
export interface StoredObjectRow {
  href: string;
  etag: string | null;
  uid: string | null;
  data: string;
  occurrences: unknown;
  expandedFrom: Date;
  expandedTo: Date;
  expandKey: string;
  unreadable: string | null;
  truncated: unknown;
  /** The busy intervals of this object (replacing any it had). */
  busy: { start: Date; end: Date }[];
}

/** The expansion of one object as the planner reads it. */
export interface StoredExpansion {
  href: string;
  occurrences: unknown;
  unreadable: string | null;
  truncated: unknown;
}

export interface StoreChange {
  /** Objects (re)written: fetched anew, or re-expanded from their stored data. */
  upserts: StoredObjectRow[];
  /** Hrefs gone from the server. */
  removed: string[];
  /** New sync state; absent leaves calendars.mirror_* as they are (a write by one of our own jobs). */
  state?: { refreshedAt: Date; syncToken: string | null; ctag: string | null; listedAt: Date | null; from: Date; to: Date };
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters per statement. */
const OBJECT_BATCH = 500;
const BUSY_BATCH = 5000;

type MirrorSync = NonNullable<StoreChange['state']>;

/**
 * The calendars.mirror_* columns a new sync state sets (and the failure it clears), from its values
 * or from placeholders for the prepared write: the one list of what a sync state is.
 */
const syncColumns = (state: { [K in keyof MirrorSync]: MirrorSync[K] | SQL }) => ({
  mirrorRefreshedAt: state.refreshedAt,
  mirrorSyncToken: state.syncToken,
  mirrorCtag: state.ctag,
  mirrorListedAt: state.listedAt,
  mirrorFrom: state.from,
  mirrorTo: state.to,
  mirrorError: null,
  mirrorFailedAt: null,
});

/** What a refresh compares with the server's listing: one object's version and its stored expansion. */
const versionColumns = {
  href: calendarObjects.href,
  etag: calendarObjects.etag,
  expandedFrom: calendarObjects.expandedFrom,
  expandedTo: calendarObjects.expandedTo,
  expandKey: calendarObjects.expandKey,
};

/**
 * The calendar store (issues 9 and 12): objects by href and ETag with their cached expansion, the busy
 * intervals derived from them, and each calendar's sync state. Only the worker writes it; each change
 * is one transaction, so readers (the clear, the availability queries) never see an object without
 * its busy intervals or a sync token ahead of the objects it describes.
 */
export function createCalendarStoreRepository(db: Database) {
  // Prepared, as calendars.ts explains: one PostgreSQL round trip instead of two for a query that
  // runs with every refresh, and before a `reject` room's conflict check (issue 9); built on first use.
  let stateQuery: ReturnType<typeof prepareState> | undefined;
  const prepareState = () =>
    db
      .select({
        refreshedAt: calendars.mirrorRefreshedAt,
        syncToken: calendars.mirrorSyncToken,
        ctag: calendars.mirrorCtag,
        listedAt: calendars.mirrorListedAt,
        from: calendars.mirrorFrom,
        to: calendars.mirrorTo,
        error: calendars.mirrorError,
        failedAt: calendars.mirrorFailedAt,
      })
      .from(calendars)
      .where(eq(calendars.id, sql.placeholder('calendarId')))
      .prepare('calendar_store_state');
  // Placeholders in SET go through sql``: drizzle's types take them in VALUES and WHERE only.
  const placeholder = (name: keyof MirrorSync) => sql`${sql.placeholder(name)}`;
  let stateWrite: ReturnType<typeof prepareStateWrite> | undefined;
  const prepareStateWrite = () =>
    db
      .update(calendars)
      .set(
        syncColumns({
          refreshedAt: placeholder('refreshedAt'),
          syncToken: placeholder('syncToken'),
          ctag: placeholder('ctag'),
          listedAt: placeholder('listedAt'),
          from: placeholder('from'),
          to: placeholder('to'),
        }),
      )
      .where(eq(calendars.id, sql.placeholder('calendarId')))
      .prepare('calendar_store_write_state');
  // ISO strings: drizzle's postgres.js driver takes dates as text, and a placeholder skips the column's mapping.
  const writeSyncState = (calendarId: number, state: MirrorSync) =>
    (stateWrite ??= prepareStateWrite()).execute({
      calendarId,
      refreshedAt: state.refreshedAt.toISOString(),
      syncToken: state.syncToken,
      ctag: state.ctag,
      listedAt: state.listedAt?.toISOString() ?? null,
      from: state.from.toISOString(),
      to: state.to.toISOString(),
    });
  return {
    async state(calendarId: number): Promise<MirrorState | undefined> {
      const [row] = await (stateQuery ??= prepareState()).execute({ calendarId });
      return row;
    },

    versions(calendarId: number): Promise<StoredVersion[]> {
      return db
        .select(versionColumns)
        .from(calendarObjects)
        .where(eq(calendarObjects.calendarId, calendarId));
    },

    /**
     * The versions whose stored expansion does not cover [from, to) under `expandKey` (the objects a
     * refresh must re-expand), and how many objects the calendar has: what a refresh of an unchanged
     * calendar needs, without reading every object's version.
     */
    async uncovered(
      calendarId: number,
      window: { from: Date; to: Date },
      expandKey: string,
    ): Promise<{ objects: number; versions: StoredVersion[] }> {
      const [[count], versions] = await Promise.all([
        db.select({ objects: sql<number>`count(*)::int` }).from(calendarObjects).where(eq(calendarObjects.calendarId, calendarId)),
        db
          .select(versionColumns)
          .from(calendarObjects)
          .where(
            and(
              eq(calendarObjects.calendarId, calendarId),
              or(
                isNull(calendarObjects.expandKey),
                ne(calendarObjects.expandKey, expandKey),
                isNull(calendarObjects.expandedFrom),
                isNull(calendarObjects.expandedTo),
                gt(calendarObjects.expandedFrom, window.from),
                lt(calendarObjects.expandedTo, window.to),
              ),
            ),
          ),
      ]);
      return { objects: count?.objects ?? 0, versions };
    },

    /** Stored text and ETag of these objects (for re-expansion without a fetch, and for the clear's writes). */
    async objects(calendarId: number, hrefs: readonly string[]): Promise<{ href: string; etag: string | null; data: string }[]> {
      const out: { href: string; etag: string | null; data: string }[] = [];
      for (let i = 0; i < hrefs.length; i += OBJECT_BATCH) {
        const batch = hrefs.slice(i, i + OBJECT_BATCH);
        out.push(
          ...(await db
            .select({ href: calendarObjects.href, etag: calendarObjects.etag, data: calendarObjects.data })
            .from(calendarObjects)
            .where(and(eq(calendarObjects.calendarId, calendarId), inArray(calendarObjects.href, batch)))),
        );
      }
      return out;
    },

    /** Every object's cached expansion, for planning a clear. */
    expansions(calendarId: number): Promise<StoredExpansion[]> {
      return db
        .select({
          href: calendarObjects.href,
          occurrences: calendarObjects.occurrences,
          unreadable: calendarObjects.unreadable,
          truncated: calendarObjects.truncated,
        })
        .from(calendarObjects)
        .where(eq(calendarObjects.calendarId, calendarId));
    },

    /**
     * A digest of everything a plan reads from this calendar's store (each object's href, ETag, when
     * it was written and with which expansion settings, and for an object without an ETag its text):
     * equal digests mean equal stored expansions, so a plan made on them can be reused. Computed in
     * PostgreSQL, so nothing but one short string comes back.
     */
    async fingerprint(calendarId: number): Promise<string> {
      const [row] = await db
        .select({
          digest: sql<string>`count(*)::text || ':' || coalesce(md5(string_agg(
            ${calendarObjects.href} || chr(1) || coalesce(${calendarObjects.etag}, 'md5:' || md5(${calendarObjects.data})) || chr(1) ||
            ${calendarObjects.fetchedAt}::text || chr(1) || coalesce(${calendarObjects.expandKey}, '') || chr(1) ||
            coalesce(${calendarObjects.expandedFrom}::text, '') || chr(1) || coalesce(${calendarObjects.expandedTo}::text, '') || chr(1) ||
            coalesce(${calendarObjects.unreadable}, ''), chr(2) order by ${calendarObjects.href})), '')`,
        })
        .from(calendarObjects)
        .where(eq(calendarObjects.calendarId, calendarId));
      return row?.digest ?? '0:';
    },

    async apply(calendarId: number, change: StoreChange): Promise<void> {
      if (change.upserts.length === 0 && change.removed.length === 0) {
        // The sync state alone (a refresh that found nothing changed, as before a `reject` room's
        // conflict check): one statement is atomic by itself, so no transaction, and prepared, so
        // one round trip where BEGIN, the UPDATE's two and COMMIT were four (issue 9).
        if (change.state) await writeSyncState(calendarId, change.state);
        return;
      }
      await db.transaction(async (tx) => {
        const touched = [...change.removed, ...change.upserts.map((o) => o.href)];
        for (let i = 0; i < touched.length; i += OBJECT_BATCH) {
          const batch = touched.slice(i, i + OBJECT_BATCH);
          await tx.delete(busyIntervals).where(and(eq(busyIntervals.calendarId, calendarId), inArray(busyIntervals.href, batch)));
        }
        for (let i = 0; i < change.removed.length; i += OBJECT_BATCH) {
          const batch = change.removed.slice(i, i + OBJECT_BATCH);
          await tx.delete(calendarObjects).where(and(eq(calendarObjects.calendarId, calendarId), inArray(calendarObjects.href, batch)));
        }
        const fetchedAt = new Date();
        for (let i = 0; i < change.upserts.length; i += OBJECT_BATCH) {
          const rows = change.upserts.slice(i, i + OBJECT_BATCH).map(({ busy: _busy, ...row }) => ({ calendarId, ...row, fetchedAt }));
          await tx
            .insert(calendarObjects)
            .values(rows)
            .onConflictDoUpdate({
              target: [calendarObjects.calendarId, calendarObjects.href],
              set: {
                etag: sql`excluded.etag`,
                uid: sql`excluded.uid`,
                data: sql`excluded.data`,
                occurrences: sql`excluded.occurrences`,
                expandedFrom: sql`excluded.expanded_from`,
                expandedTo: sql`excluded.expanded_to`,
                expandKey: sql`excluded.expand_key`,
                unreadable: sql`excluded.unreadable`,
                truncated: sql`excluded.truncated`,
                fetchedAt: sql`excluded.fetched_at`,
              },
            });
        }
        const busy = change.upserts.flatMap((o) => o.busy.map((b) => ({ calendarId, href: o.href, start: b.start, end: b.end })));
        for (let i = 0; i < busy.length; i += BUSY_BATCH) await tx.insert(busyIntervals).values(busy.slice(i, i + BUSY_BATCH));
        if (change.state) await tx.update(calendars).set(syncColumns(change.state)).where(eq(calendars.id, calendarId));
      });
    },

    /** A refresh failed: the last good data stays, and the calendar says why and since when. */
    async recordFailure(calendarId: number, error: string, at: Date): Promise<void> {
      await db.update(calendars).set({ mirrorError: error, mirrorFailedAt: at }).where(eq(calendars.id, calendarId));
    },

    /** All calendars' ids, for the refresh schedules. */
    async calendarIds(): Promise<number[]> {
      return (await db.select({ id: calendars.id }).from(calendars)).map((r) => r.id);
    },
  };
}

export type CalendarStoreRepository = ReturnType<typeof createCalendarStoreRepository>;
