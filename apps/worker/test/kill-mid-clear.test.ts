import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { createAuditLogRepository, createCalendarsRepository, createDatabase, createSecretBox } from '@roombook/db';
import { CalendarJob, QueueName, isExpiredClearReport, resolveClearResult, type ClearCalendarPayload } from '@roombook/queue';
import {
  getObject,
  makeCalendar,
  putObject,
  startCalDavFaultProxy,
  startSmtpServer,
  uniqueName,
  type CalDavFaultProxy,
  type TestSmtpServer,
} from '@roombook/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

const SECRET = 'test-secret-key-0123456789';
const root = fileURLToPath(new URL('../../..', import.meta.url));
const LOSERS = 30;

/** A VEVENT with an organizer and CREATED (who books first keeps the room), in UTC. */
function booking(uid: string, organizer: string, start: Date, end: Date, created: string): string {
  const utc = (date: Date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//tests//EN', 'BEGIN:VEVENT', `UID:${uid}`,
    `CREATED:${created}`, `DTSTAMP:${created}`, `DTSTART:${utc(start)}`, `DTEND:${utc(end)}`, `SUMMARY:${uid}`,
    `ORGANIZER:mailto:${organizer}`, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

/**
 * Issue 7: `kill -9` of a worker process in the middle of a clear of a calendar with dozens of
 * losers, then a new worker. The clear completes, every removed object has exactly one audit
 * entry, and every losing organizer gets exactly one mail from a real SMTP server's point of view.
 */
describe('kill -9 of a worker mid-clear', () => {
  const database = createDatabase(inject('databaseUrl'), { max: 2 });
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `${inject('runId')}-kill-${randomBytes(3).toString('hex')}`;
  const calendarQueue = new Queue(QueueName.calendar, { connection, prefix });
  const mailQueue = new Queue(QueueName.mail, { connection, prefix });
  const [rooms] = inject('radicaleUsers');
  const children: ChildProcess[] = [];
  let proxy: CalDavFaultProxy | undefined;
  let smtp: TestSmtpServer | undefined;

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await calendarQueue.obliterate({ force: true });
    await mailQueue.obliterate({ force: true });
    await calendarQueue.close();
    await mailQueue.close();
    connection.disconnect();
    await proxy?.close();
    await smtp?.stop();
    await database.close();
  });

  function startWorker(name: string): { child: ChildProcess; output: () => string; started: Promise<void> } {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/worker/src/main.ts'], {
      cwd: root,
      env: {
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: prefix,
        SECRET_KEY: SECRET,
        LOG_LEVEL: 'info',
        // a killed worker's job is taken over after ~2 s instead of a minute
        JOB_LOCK_MS: '2000',
        SMTP_SERVER: '127.0.0.1',
        SMTP_PORT: String(smtp!.port),
        SMTP_EMAIL: 'rooms@example.org',
        // the organizers here are made up; their domain must be allowed to receive mail
        MAIL_ALLOWED_DOMAINS: 'example.org',
        SMTP_STARTTLS: 'true',
        // the harness's certificate is self-signed
        SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = (async () => {
      for (let i = 0; i < 600 && !output.includes('worker started'); i++) {
        if (child.exitCode !== null) throw new Error(`worker ${name} exited: ${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!output.includes('worker started')) throw new Error(`worker ${name} did not start: ${output}`);
    })();
    return { child, output: () => output, started };
  }

  it('a new worker completes the clear: one audit entry per removed object, one mail per losing organizer', async () => {
    smtp = await startSmtpServer({ secure: false, starttls: true });
    proxy = await startCalDavFaultProxy(inject('radicaleUrl'));
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('kill'));
    const path = new URL(collection).pathname;
    const start = new Date(Date.now() + 2 * 86_400_000);
    start.setUTCHours(8, 0, 0, 0);
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    const keeperHref = await putObject(collection, rooms!, 'keeper.ics', booking('keeper', 'keeper@example.org', at(0), at(10 * 60), '20260101T080000Z'));
    const losers: { uid: string; href: string; organizer: string }[] = [];
    for (let i = 0; i < LOSERS; i++) {
      const uid = `loser-${String(i).padStart(2, '0')}`;
      const organizer = `${uid}@example.org`;
      losers.push({ uid, organizer, href: await putObject(collection, rooms!, `${uid}.ics`, booking(uid, organizer, at(i * 15), at(i * 15 + 30), '20260301T080000Z')) });
    }
    const calendar = await createCalendarsRepository(database.db, createSecretBox(SECRET)).create({
      slug: uniqueName('kill'), url: proxy.proxied(collection), username: rooms!.username, password: rooms!.password,
    });
    // Each DELETE takes a while, so the kill surely lands mid-clear (and, likely, mid-DELETE).
    proxy.addRule({ method: 'DELETE', pathIncludes: path, action: { kind: 'delay', ms: 150 } });

    // Mails wait until the clear is done: this test is about a crash of the clear, and a worker
    // killed inside an SMTP transaction may deliver that one mail twice whatever it records (SMTP
    // has no idempotency) — that case is left to the deterministic Message-ID, not counted here.
    await mailQueue.pause();
    const first = startWorker('first');
    await first.started;
    const payload: ClearCalendarPayload = { calendarId: calendar.id, userId: null, test: false, trigger: 'api' };
    const job = await calendarQueue.add(CalendarJob.clearCalendar, payload, { attempts: 5, backoff: { type: 'fixed', delay: 500 } });

    for (let i = 0; i < 600 && proxy.count('DELETE', path) < 8; i++) await new Promise((r) => setTimeout(r, 25));
    expect(proxy.count('DELETE', path)).toBeGreaterThanOrEqual(8);
    const killed = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await killed;
    const deletesBeforeKill = proxy.count('DELETE', path);
    expect(deletesBeforeKill).toBeLessThan(LOSERS);

    const second = startWorker('second');
    await second.started;
    let state = await job.getState();
    for (let i = 0; i < 1200 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await job.getState();
    }
    expect(state, second.output()).toBe('completed');

    // The report lists every removal, the dead attempt's included.
    const report = await resolveClearResult(connection, (await calendarQueue.getJob(job.id!))!.returnvalue);
    if (isExpiredClearReport(report)) throw new Error('the stored report is gone');
    expect(report.deleted_overlapping_events.map((i) => i.event.uid).sort()).toEqual(losers.map((l) => l.uid));
    expect(new Set(report.deleted_overlapping_events.map((i) => i.status))).toEqual(new Set(['applied']));

    // Every loser is gone, the keeper stays.
    expect(await getObject(keeperHref, rooms!)).toBeDefined();
    for (const loser of losers) expect(await getObject(loser.href, rooms!), loser.uid).toBeUndefined();

    // Exactly one audit entry per removed object, applied, holding its text.
    const entries = await createAuditLogRepository(database.db).list({ calendarId: calendar.id, limit: 1000 });
    expect(entries.map((e) => e.uid).sort()).toEqual(losers.map((l) => l.uid));
    expect(new Set(entries.map((e) => e.state))).toEqual(new Set(['applied']));

    // Exactly one mail per losing organizer: deliver, wait until the mail queue is drained, count.
    expect(await mailQueue.getJobCounts('waiting', 'prioritized')).toEqual({ waiting: LOSERS, prioritized: 0 });
    await mailQueue.resume();
    for (let i = 0; i < 600; i++) {
      const counts = await mailQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const failures = (await mailQueue.getFailed()).map((j) => j.failedReason);
    expect(await mailQueue.getJobCounts('completed', 'failed'), `${failures.join('\n')}\n${second.output()}`).toEqual({ completed: LOSERS, failed: 0 });
    await smtp.waitForMessages(LOSERS, 10_000);
    const recipients = smtp.messages.flatMap((m) => m.envelope.to).sort();
    expect(recipients).toEqual(losers.map((l) => l.organizer));
    // Each carries a Message-ID derived from its job, so a re-send would be the same message.
    const ids = smtp.messages.map((m) => m.messageId ?? '');
    expect(new Set(ids).size).toBe(LOSERS);
    for (const id of ids) expect(id).toMatch(/^<roombook\.notify-\d+-[0-9a-f]{24}@example\.org>$/);
  }, 180_000);
});
