import { and, desc, eq, gt } from 'drizzle-orm';

import type { Database } from '../client.js';
import { NotFoundError } from '../errors.js';
import { auditLog, calendars } from '../schema/index.js';

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'at'>;

export function createAuditLogRepository(db: Database) {
  return {
    /** Records the object's previous text; call before the write it describes. */
    async record(entry: NewAuditEntry): Promise<AuditEntry> {
      const [row] = await db.insert(auditLog).values(entry).returning();
      return row!;
    },

    /** Stores the ETag our write produced, so a restore can tell whether someone changed it since. */
    async setEtagAfter(id: number, etag: string | null): Promise<void> {
      await db.update(auditLog).set({ etagAfter: etag }).where(eq(auditLog.id, id));
    },

    /** Removes an entry whose write did not happen (the write failed after we recorded it). */
    async discard(id: number): Promise<void> {
      await db.delete(auditLog).where(eq(auditLog.id, id));
    },

    /** The entry a job wrote for this uid and action, if any: lets a retried job see its own earlier work. */
    async findByJob(jobId: string, uid: string, action: string): Promise<AuditEntry | undefined> {
      const [row] = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.jobId, jobId), eq(auditLog.uid, uid), eq(auditLog.action, action)))
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
        })
        .from(auditLog)
        .innerJoin(calendars, eq(calendars.id, auditLog.calendarId))
        .where(and(filter.calendarId === undefined ? undefined : eq(auditLog.calendarId, filter.calendarId)))
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(filter.limit ?? 100);
    },
  };
}

export type AuditLogRepository = ReturnType<typeof createAuditLogRepository>;
