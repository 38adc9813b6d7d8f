import { createCalendarsRepository } from '@roombook/db';
import { resolveClearResult } from '@roombook/queue';
import { getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers } from './helper.js';
import { day, event } from './ics.js';

describe('auto_clear calendars are cleared shortly after a booking', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  const [rooms] = inject('radicaleUsers');

  beforeAll(async () => {
    ctx = await buildTestApp();
    workers = await startTestWorkers(ctx.config, { AUTO_CLEAR_AFTER_BOOKING_MS: '2000' });
  });
  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  it('removes a new booking that clashes with an earlier one, in one debounced clear', async () => {
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('auto'));
    // `allow`: the booking is written into the taken slot, which the clear after it must settle (issue 11).
    const room = await seedUser(ctx.db, collection, { policy: { conflictPolicy: 'allow' } });
    await createCalendarsRepository(ctx.db.db).update(room.calendar.slug, { autoClear: true, clearIntervalSeconds: 86_400 });
    const d = day(9);
    const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
    await putObject(collection, rooms!, 'earlier.ics', event({ uid: 'earlier', summary: 'Earlier', date: d, from: '0900', to: '1000', created: '20250101T080000Z' }));
    const book = (name: string, from: string, to: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/${room.calendar.slug}/events`,
        headers: { ...bearer(room.token), prefer: 'wait=30' },
        payload: { name, start: `${iso}T${from}`, end: `${iso}T${to}` },
      });
    const clash = await book('Clash', '09:30', '10:30');
    const free = await book('Free slot', '11:00', '12:00');
    expect([clash.statusCode, free.statusCode]).toEqual([201, 201]);
    const clashUrl = new URL(`${clash.json().id}.ics`, collection).toString();
    for (let i = 0; i < 150 && (await getObject(clashUrl, rooms!)) !== undefined; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await getObject(clashUrl, rooms!)).toBeUndefined();
    expect(await getObject(new URL(`${free.json().id}.ics`, collection).toString(), rooms!)).toContain('SUMMARY:Free slot');

    const connection = new Redis(ctx.config.REDIS_URL);
    const queue = new Queue('calendar', { connection, prefix: ctx.config.QUEUE_PREFIX });
    try {
      const completedClears = async () =>
        (await queue.getJobs(['completed'])).filter(
          (job) => job.name === 'clear-calendar' && job.data.calendarId === room.calendar.id && job.data.trigger === 'booking',
        );
      // the object is gone once the clear's DELETE went through; the job completes a moment later
      let clears = await completedClears();
      for (let i = 0; i < 100 && clears.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        clears = await completedClears();
      }
      // two bookings within the delay share one clear
      expect(clears).toHaveLength(1);
      const report = await resolveClearResult(connection, clears[0]!.returnvalue);
      expect('deleted_overlapping_events' in report && report.deleted_overlapping_events.map((i) => i.event.uid)).toEqual([clash.json().id]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
