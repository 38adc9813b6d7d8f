import { createCalendarsRepository, createEmailTemplatesRepository, createUsersRepository } from '@roombook/db';
import { closedPortUrl, getObject, makeCalendar, putObject, startSmtpServer, uniqueName, type TestSmtpServer } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers, type Fixture } from './helper.js';
import { day, event } from './ics.js';

const [rooms] = inject('radicaleUsers');

/** A room whose calendar holds an earlier booking and a later, clashing one by sales@. */
async function clashingRoom(ctx: Awaited<ReturnType<typeof buildTestApp>>) {
  const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('mail'));
  const room = await seedUser(ctx.db, collection);
  await createCalendarsRepository(ctx.db.db).update(room.calendar.slug, { displayName: 'Room Kepler' });
  await putObject(collection, rooms!, 'keeper.ics', event({ uid: 'keeper', summary: 'Finance Monthly', date: day(2), from: '1000', to: '1200', created: '20260101T080000Z', extra: ['ORGANIZER;CN=Finance:mailto:finance@example.org'] }));
  const loser = await putObject(collection, rooms!, 'loser.ics', event({ uid: 'loser', summary: 'Sales <pitch>', date: day(2), from: '1100', to: '1230', created: '20260301T080000Z', extra: ['ORGANIZER;CN=Sales:mailto:sales@example.org'] }));
  return { room, loser };
}

/** Worker settings for a local SMTP server on `port`; `extra` adds or overrides. */
function smtpEnv(port: number | string, starttls: boolean, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_SERVER: '127.0.0.1',
    SMTP_PORT: String(port),
    SMTP_STARTTLS: String(starttls),
    SMTP_EMAIL: 'rooms@example.org',
    SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
    // the organizers here are made up; their domain must be allowed to receive mail
    MAIL_ALLOWED_DOMAINS: 'example.org',
    ...extra,
  };
}

async function clearLive(ctx: Awaited<ReturnType<typeof buildTestApp>>, room: Fixture) {
  const response = await ctx.app.inject({
    method: 'DELETE',
    url: `/api/clear-bookings?calendar=${room.calendar.slug}`,
    headers: { ...bearer(room.token), prefer: 'wait=60' },
  });
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe('notification mails after a live clear', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers | undefined;
  let smtp: TestSmtpServer | undefined;

  afterEach(async () => {
    await workers?.close();
    await smtp?.stop();
    workers = undefined;
    smtp = undefined;
  });
  afterAll(async () => {
    await ctx?.app.close();
    await ctx?.db.close();
  });

  it.each([
    ['STARTTLS', { secure: false, starttls: true }, true],
    ['implicit TLS', { secure: true }, false],
  ])('mails the losing organizer over %s: recipient, BCC, sender, subject, both parts, local times', async (_label, tls, starttls) => {
    ctx ??= await buildTestApp();
    smtp = await startSmtpServer({ ...tls, auth: { user: 'rooms@example.org', pass: 'smtp-secret' } });
    workers = await startTestWorkers(
      ctx.config,
      smtpEnv(smtp.port, starttls, {
        SMTP_PASSWORD: 'smtp-secret',
        SMTP_SENDER_NAME: 'Room booking',
        SMTP_BCC: 'audit@example.org, facilities@example.org',
      }),
    );
    const { room, loser } = await clashingRoom(ctx);
    const report = await clearLive(ctx, room);
    expect(report.deleted_overlapping_events).toHaveLength(1);
    expect(report.mails_queued).toBe(1);
    expect(await getObject(loser, rooms!)).toBeUndefined();

    const [mail] = await smtp.waitForMessages(1, 20_000);
    expect(mail!.envelope.to.sort()).toEqual(['audit@example.org', 'facilities@example.org', 'sales@example.org']);
    expect(mail!.to).toMatchObject({ value: [{ address: 'sales@example.org' }] });
    expect(mail!.from).toMatchObject({ value: [{ address: 'rooms@example.org', name: 'Room booking' }] });
    expect(mail!.authUser).toBe('rooms@example.org');
    expect(mail!.secureSession).toBe(true);
    expect(mail!.subject).toContain('Sales <pitch>');
    const html = String(mail!.html);
    const text = mail!.text ?? '';
    for (const part of [html, text]) {
      expect(part).toContain('Finance Monthly');
      expect(part).toContain('Room Kepler');
      // 11:00 and 10:00 Berlin wall-clock time, whatever the machine's zone
      expect(part).toMatch(/11:00/);
      expect(part).toMatch(/10:00/);
    }
    expect(html).toContain('Sales &lt;pitch&gt;');
    expect(text).toContain('Sales <pitch>');
  });

  it('uses the calendar\'s own template', async () => {
    ctx ??= await buildTestApp();
    smtp = await startSmtpServer({ secure: false, starttls: true });
    workers = await startTestWorkers(ctx.config, smtpEnv(smtp.port, true));
    const name = uniqueName('tpl');
    await createEmailTemplatesRepository(ctx.db.db).upsert({
      name,
      subject: 'Raum {{ calendar_name }}: {{ name }} entfernt',
      body: '<mjml><mj-body><mj-section><mj-column><mj-text>{% if is_deleted %}Gelöscht{% endif %}: {{ name }} am {{ start | date: "%d.%m.%Y %H:%M" }}. {% for e in overlap_events %}Belegt durch {{ e.name }} ({{ e.organizer }}).{% endfor %}</mj-text></mj-column></mj-section></mj-body></mjml>',
    });
    const { room } = await clashingRoom(ctx);
    await createCalendarsRepository(ctx.db.db).update(room.calendar.slug, { template: name });
    await clearLive(ctx, room);
    const [mail] = await smtp.waitForMessages(1, 20_000);
    expect(mail!.subject).toBe('Raum Room Kepler: Sales <pitch> entfernt');
    const d = day(2);
    expect(mail!.text).toContain(`Gelöscht: Sales <pitch> am ${d.slice(6, 8)}.${d.slice(4, 6)}.${d.slice(0, 4)} 11:00`);
    expect(mail!.text).toContain('Belegt durch Finance Monthly (finance@example.org)');
  });

  it('retries a mail while SMTP is down, then fails it; the calendar change stands', async () => {
    ctx ??= await buildTestApp();
    const down = new URL(await closedPortUrl());
    workers = await startTestWorkers(ctx.config, smtpEnv(down.port, true, { MAIL_ATTEMPTS: '3', MAIL_RETRY_DELAY_MS: '50' }));
    const { room, loser } = await clashingRoom(ctx);
    const report = await clearLive(ctx, room);
    expect(report.mails_queued).toBe(1);
    expect(report.deleted_overlapping_events[0].status).toBe('applied');

    const connection = new Redis(ctx.config.REDIS_URL);
    const mailQueue = new Queue('mail', { connection, prefix: ctx.config.QUEUE_PREFIX });
    try {
      let failed = await mailQueue.getFailed();
      for (let i = 0; i < 200 && failed.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        failed = await mailQueue.getFailed();
      }
      expect(failed).toHaveLength(1);
      expect(failed[0]!.attemptsMade).toBe(3);
      expect(failed[0]!.failedReason).toMatch(/mail to sales@example.org failed/);
    } finally {
      await mailQueue.close();
      connection.disconnect();
    }
    expect(await getObject(loser, rooms!)).toBeUndefined();
  });
  it('mails only allowed domains (MAIL_ALLOWED_DOMAINS empty: the known room and user domains); the report says what was not sent', async () => {
    ctx ??= await buildTestApp();
    const known = `${uniqueName('org')}.test`.toLowerCase();
    await createUsersRepository(ctx.db.db).create({ name: uniqueName('user'), email: `admin@${known}` });
    smtp = await startSmtpServer({ secure: false, starttls: true });
    workers = await startTestWorkers(ctx.config, smtpEnv(smtp.port, true, { MAIL_ALLOWED_DOMAINS: '' }));
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('mail'));
    const room = await seedUser(ctx.db, collection);
    await putObject(collection, rooms!, 'keeper.ics', event({ uid: 'keeper', summary: 'Keeper', date: day(2), from: '1000', to: '1200', created: '20260101T080000Z' }));
    await putObject(collection, rooms!, 'outside.ics', event({ uid: 'outside', summary: 'Relay', date: day(2), from: '1030', to: '1100', created: '20260301T080000Z', extra: ['ORGANIZER:mailto:victim@elsewhere.invalid'] }));
    await putObject(collection, rooms!, 'inside.ics', event({ uid: 'inside', summary: 'Colleague', date: day(2), from: '1100', to: '1130', created: '20260301T080000Z', extra: [`ORGANIZER:mailto:colleague@${known.toUpperCase()}`] }));
    const report = await clearLive(ctx, room);
    const items = Object.fromEntries(report.deleted_overlapping_events.map((i: { event: { uid: string } }) => [i.event.uid, i]));
    expect(items['outside']).toMatchObject({ status: 'applied', mail: expect.stringMatching(/^not sent: .*MAIL_ALLOWED_DOMAINS/) });
    expect(items['inside'].mail).toBeUndefined();
    expect(report.mails_queued).toBe(1);
    const mails = await smtp.waitForMessages(1, 20_000);
    expect(mails.flatMap((m) => m.envelope.to).map((a) => a.toLowerCase())).toEqual([`colleague@${known}`]);
  });
});
