import { futureDay, getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers, type Fixture } from './helper.js';
import { day, event } from './ics.js';

/** Issue 14, points 3 and 4: a typo never runs a live clear, and every error says what to do. */
describe('readable refusals', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let alice: Fixture;
  let queue: Queue;

  beforeAll(async () => {
    ctx = await buildTestApp();
    alice = await seedUser(ctx.db);
    queue = ctx.app.queues.calendar;
  });

  afterAll(async () => {
    await ctx.app.close();
    await ctx.db.close();
  });

  const clear = (test: string) =>
    ctx.app.inject({
      method: 'DELETE',
      url: `/api/clear-bookings?calendar=${alice.calendar.slug}&test=${encodeURIComponent(test)}`,
      headers: bearer(alice.token),
    });

  it.each(['maybe', 'ture', '2', 'y', 'dry'])('refuses test=%s with a 400 naming the parameter, and queues no clear', async (value) => {
    const before = await queue.getJobCounts();
    const response = await clear(value);
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem).toMatchObject({ type: '/problems/validation', status: 400 });
    expect(problem.errors).toEqual([
      { field: 'querystring.test', message: expect.stringContaining('1, ok, on, true, yes (dry run)') },
    ]);
    expect(problem.detail).not.toMatch(/\^|\(\?:/);
    expect(await queue.getJobCounts()).toEqual(before);
  });

  it.each([
    ['1', true], ['ok', true], ['ON', true], ['True', true], ['yes', true],
    ['0', false], ['off', false], ['FALSE', false], ['no', false], ['', false],
  ])('accepts test=%s as test mode %s', async (value, testMode) => {
    const response = await clear(value);
    expect(response.statusCode).toBe(202);
    const job = await queue.getJob(response.json().jobs[0].id);
    expect(job?.data).toMatchObject({ test: testMode });
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: `/api/${alice.calendar.slug}/events`, headers: { ...bearer(alice.token), ...headers }, payload: payload as string });

  it('says what a date should look like instead of quoting a regular expression', async () => {
    const response = await post({ name: 'x', start: 'tomorrow 10:00', end: `${futureDay()}T11:00` });
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.errors).toEqual([
      { field: 'body.start', message: 'must be a date-time like "2025-01-02T12:00" or "2025-01-02T12:00:00+01:00"' },
    ]);
    expect(problem.detail).toBe('body.start must be a date-time like "2025-01-02T12:00" or "2025-01-02T12:00:00+01:00"');
  });

  it('names an unknown field', async () => {
    const response = await post({ name: 'x', start: `${futureDay()}T10:00`, end: `${futureDay()}T11:00`, colour: 'red' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ field: 'body.colour', message: 'is not a known field' }]);
  });

  it('tells a client without a JSON content type which header to send (curl -d without -H)', async () => {
    const before = await queue.getJobCounts();
    const json = JSON.stringify({ name: 'x', start: `${futureDay()}T10:00`, end: `${futureDay()}T11:00` });
    const form = await post(json, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
    expect(form.headers['content-type']).toContain('application/problem+json');
    expect(form.json().detail).toContain('"Content-Type: application/json"');
    const text = await post(json, { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(400);
    expect(text.json().errors).toEqual([
      { field: 'body', message: 'must be a JSON object, sent with the header "Content-Type: application/json"' },
    ]);
    expect(await queue.getJobCounts()).toEqual(before);
  });
});

describe('clear reports in the room\'s zone', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  const [rooms] = inject('radicaleUsers');

  beforeAll(async () => {
    ctx = await buildTestApp();
    workers = await startTestWorkers(ctx.config);
  });

  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  it("prints the winner's times in the reason as the items print them (Europe/Berlin, not UTC)", async () => {
    const collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('zone'));
    const room = await seedUser(ctx.db, collection);
    const d = day(9);
    await putObject(collection, rooms!, 'a.ics', event({ uid: 'zone-early', summary: 'Finance', date: d, from: '1000', to: '1200', created: '20260101T080000Z' }));
    const loserUrl = await putObject(collection, rooms!, 'b.ics', event({ uid: 'zone-late', summary: 'Fundraising', date: d, from: '1100', to: '1300', created: '20260301T080000Z' }));
    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/clear-bookings?calendar=${room.calendar.slug}&test=yes`,
      headers: { ...bearer(room.token), prefer: 'wait=60' },
    });
    expect(response.statusCode).toBe(200);
    const [item] = response.json().deleted_overlapping_events;
    const { start, end } = item.overlaps_with;
    expect(start).toMatch(/T10:00:00\+0[12]:00$/);
    expect(item.reason).toBe(`overlaps "Finance" (${start}–${end}), booked earlier`);
    // a dry run: the loser is still there
    expect(await getObject(loserUrl, rooms!)).toContain('zone-late');
  });
});
