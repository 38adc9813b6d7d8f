import { createAuditLogRepository, createDatabase, schema } from '@roombook/db';
import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { jobEntries } from '../src/job-entries.js';
import { seedCalendar } from './support/worker-fixture.js';

/**
 * A retried clear or delete finds its own earlier writes in the audit log. BullMQ ids repeat across
 * queue prefixes and after Redis lost its data; another job's writes with the same id must not count.
 */
describe("a job's audit entries", () => {
  const database = createDatabase(inject('databaseUrl'), { max: 1 });
  const audit = createAuditLogRepository(database.db);
  afterAll(() => database.close());

  it('are those of its calendar written since it was added, not every entry with its id', async () => {
    const credentials = { username: 'u', password: 'p' };
    const mine = await seedCalendar(inject('databaseUrl'), 'http://127.0.0.1:9/mine/', credentials);
    const other = await seedCalendar(inject('databaseUrl'), 'http://127.0.0.1:9/other/', credentials);
    const jobId = `entries-${Date.now()}`;
    const entry = (calendarId: number, uid: string) => ({
      calendarId, jobId, userId: null, uid, recurrenceId: null, action: 'deleted', href: `${uid}.ics`, previousIcal: 'BEGIN:VCALENDAR', state: 'applied' as const,
    });
    // The same id a day ago (Redis was emptied since, and counted from 1 again), and in another calendar.
    const old = await audit.record(entry(mine.calendar.id, 'old'));
    await database.db.update(schema.auditLog).set({ at: new Date(Date.now() - 86_400_000) }).where(eq(schema.auditLog.id, old.id));
    await audit.record(entry(other.calendar.id, 'elsewhere'));
    const own = await audit.record(entry(mine.calendar.id, 'own'));

    const job = { id: jobId, timestamp: Date.now() - 1000 } as Job;
    expect((await audit.byJob(jobEntries(job, mine.calendar.id))).map((e) => e.uid)).toEqual(['own']);
    expect((await audit.findByJob(jobEntries(job, mine.calendar.id), 'own', 'deleted'))?.id).toBe(own.id);
    expect(await audit.findByJob(jobEntries(job, mine.calendar.id), 'old', 'deleted')).toBeUndefined();
    expect(await audit.findByJob(jobEntries(job, mine.calendar.id), 'elsewhere', 'deleted')).toBeUndefined();
  });
});
