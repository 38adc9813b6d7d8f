import { and, asc, desc, eq, gt, gte } from 'drizzle-orm';

import type { Database } from '../client.js';
import { NotFoundError } from '../errors.js';
import { auditLog, calendars } from '../schema/index.js';

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>;
/**
 * - pending: recorded before the write; its outcome is not known yet (the answer may have been lost);
 * - applied: the server carried the write out (it answered, or a re-read found our result);
 * - failed: our write is not in effect and the object is someone else's version now; kept, because
 *   whether our write ever happened cannot be proven, and the text is the only copy of what was there.
 * A write the server definitely refused (a 4xx) leaves no entry.
 */
export type AuditState = AuditEntry['state'];

/** What an entry records besides the write itself. */
export type AuditMeta = Pick<NewAuditEntry, 'calendarId' | 'jobId' | 'userId' | 'uid' | 'recurrenceId' | 'action'> & {
  /** Mail payloads that follow the write once it is applied. */
  notifications?: unknown[] | null;
};

/**
 * One job's entries. A BullMQ job id is unique in its queue only while Redis keeps that queue: ids
 * start again at 1 after Redis lost its data, and another deployment (QUEUE_PREFIX) sharing the
 * database counts its own. So a job's entries are also those of its calendar, written since it was
 * added; the test suite's workers, one database and many queue prefixes, mixed another clear's
 * removals into a report by the id alone.
 */
export interface JobEntries {
  calendarId: number;
  jobId: string;
  /** When the job was added (BullMQ's `job.timestamp`), on the clock of the host that added it. */
  addedAt: Date;
}

/** How far PostgreSQL's clock may be behind the clock of the host that added a job. */
const JOB_CLOCK_SKEW_MS = 5 * 60_000;

const ofJob = (job: JobEntries) =>
  and(eq(auditLog.calendarId, job.calendarId), eq(auditLog.jobId, job.jobId), gte(auditLog.at, new Date(job.addedAt.getTime() - JOB_CLOCK_SKEW_MS)));

/** What the audited write (@roombook/caldav) is told about the write it records. */
export interface PendingWriteRow {
  href: string;
  previousIcal: string;
  etagBefore: string | null;
  textAfter: string | null;
}

export function createAuditLogRepository(db: Database) {
  const repo = {
    /** Records the object's previous text; call before the write it describes. */
    async record(entry: NewAuditEntry): Promise<AuditEntry> {
      const [row] = await db.insert(auditLog).values(entry).returning();
      return row!;
    },

    /** Stores the ETag our write produced, so a restore can tell whether someone changed it since. */
    async setEtagAfter(id: number, etag: string | null): Promise<void> {
      await db.update(auditLog).set({ etagAfter: etag }).where(eq(auditLog.id, id));
    },

    /** The write's outcome is known and it happened; `etagAfter` is the ETag it produced (null after a delete). */
    async markApplied(id: number, etagAfter: string | null, note: string | null = null): Promise<void> {
      await db.update(auditLog).set({ state: 'applied', etagAfter, error: note }).where(eq(auditLog.id, id));
    },

    /** Our write is not in effect (someone else's version is there now); the entry keeps its text. */
    async markFailed(id: number, reason: string): Promise<void> {
      await db.update(auditLog).set({ state: 'failed', error: reason }).where(eq(auditLog.id, id));
    },

    /** Removes an entry whose write the server definitely refused (a 4xx): nothing happened. */
    async discard(id: number): Promise<void> {
      await db.delete(auditLog).where(eq(auditLog.id, id));
    },

    /** A calendar's entries whose outcome is not known yet, oldest first: what a retry must reconcile. */
    pending(calendarId: number): Promise<AuditEntry[]> {
      return db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.calendarId, calendarId), eq(auditLog.state, 'pending')))
        .orderBy(asc(auditLog.id));
    },

    /** Entries a job wrote, oldest first (every state). */
    byJob(job: JobEntries): Promise<AuditEntry[]> {
      return db.select().from(auditLog).where(ofJob(job)).orderBy(asc(auditLog.id));
    },

    /** The applied entry a job wrote for this uid and action, if any: lets a retried job see its own earlier work. */
    async findByJob(job: JobEntries, uid: string, action: string): Promise<AuditEntry | undefined> {
      const [row] = await db
        .select()
        .from(auditLog)
        .where(and(ofJob(job), eq(auditLog.uid, uid), eq(auditLog.action, action), eq(auditLog.state, 'applied')))
        .orderBy(desc(auditLog.id))
        .limit(1);
      return row;
    },

    /**
     * The newest 'restored' entry written for the same object after `entry`, if any: lets a
     * refused restore say that the object was already put back, rather than only that it changed.
     */
    async findRestoreAfter(entry: { id: number; calendarId: number; href: string }): Promise<AuditEntry | undefined> {
      const [row] = await db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.calendarId, entry.calendarId),
            eq(auditLog.href, entry.href),
            eq(auditLog.action, 'restored'),
            gt(auditLog.id, entry.id),
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(1);
      return row;
    },

    /**
     * The audit log as @roombook/caldav's auditedWrite sees it (its AuditTrail), for one write
     * described by `meta`: `begin` records it pending, the rest settle it. Typed structurally so
     * this package needs no CalDAV.
     */
    trail(meta: AuditMeta) {
      return {
        begin: async (write: PendingWriteRow): Promise<number> => {
          const notifications = meta.notifications && meta.notifications.length > 0 ? meta.notifications : null;
          return (await repo.record({ ...meta, ...write, notifications, state: 'pending' })).id;
        },
        ...repo.settling(),
      };
    },

    /** The settling half of a trail, for reconciling entries that already exist. */
    settling() {
      return {
        applied: (id: number, etagAfter: string | null, note?: string | null) => repo.markApplied(id, etagAfter, note ?? null),
        failed: (id: number, reason: string) => repo.markFailed(id, reason),
        discard: (id: number) => repo.discard(id),
      };
    },

    /** Pending entries for one object (e.g. a restore whose answer was lost), oldest first. */
    pendingFor(calendarId: number, href: string): Promise<AuditEntry[]> {
      return db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.calendarId, calendarId), eq(auditLog.href, href), eq(auditLog.state, 'pending')))
        .orderBy(asc(auditLog.id));
    },

    async require(id: number): Promise<AuditEntry & { calendarSlug: string }> {
      const [row] = await db
        .select({ entry: auditLog, calendarSlug: calendars.slug })
        .from(auditLog)
        .innerJoin(calendars, eq(calendars.id, auditLog.calendarId))
        .where(eq(auditLog.id, id));
      if (!row) throw new NotFoundError(`no audit entry ${id}`);
      return { ...row.entry, calendarSlug: row.calendarSlug };
    },

    list(filter: { calendarId?: number | undefined; limit?: number } = {}) {
      return db
        .select({
          id: auditLog.id,
          at: auditLog.at,
          calendar: calendars.slug,
          uid: auditLog.uid,
          recurrenceId: auditLog.recurrenceId,
          action: auditLog.action,
          href: auditLog.href,
          jobId: auditLog.jobId,
          state: auditLog.state,
          error: auditLog.error,
        })
        .from(auditLog)
        .innerJoin(calendars, eq(calendars.id, auditLog.calendarId))
        .where(and(filter.calendarId === undefined ? undefined : eq(auditLog.calendarId, filter.calendarId)))
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(filter.limit ?? 100);
    },
  };
  return repo;
}

export type AuditLogRepository = ReturnType<typeof createAuditLogRepository>;
