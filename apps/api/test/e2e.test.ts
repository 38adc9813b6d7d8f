import { addDays, compactDay, futureDay, getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bearer, buildTestApp, seedUser, startTestWorkers, type Fixture } from './helper.js';

/** Days ahead of today, one per test (a booking may not start in the past, and two must not clash). */
const first = futureDay();
const on = (n: number) => addDays(first, n);

/** Polls the job URL until it leaves waiting/active/delayed. */
async function settle(ctx: Awaited<ReturnType<typeof buildTestApp>>, token: string, url: string) {
  for (let i = 0; i < 200; i++) {
    const view = (await ctx.app.inject({ url, headers: bearer(token) })).json();
    if (view.state === 'completed' || view.state === 'failed') return view;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${url} did not finish`);
}

describe('booking end to end: REST -> queue -> worker -> Radicale', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let fixture: Fixture;
  let collection: string;
  const [rooms] = inject('radicaleUsers');

  beforeAll(async () => {
    ctx = await buildTestApp();
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('e2e'));
    fixture = await seedUser(ctx.db, collection);
    workers = await startTestWorkers(ctx.config, { CALDAV_TIMEOUT_MS: '5000' });
  });

  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  const create = (body: object, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/${fixture.calendar.slug}/events`,
      headers: { ...bearer(fixture.token), ...headers },
      payload: body,
    });

  it('creates the event on the CalDAV server, then deletes it', async () => {
    const accepted = await create({ name: 'Board meeting', start: `${on(0)}T14:00`, end: `${on(0)}T15:30`, description: 'Quarterly' });
    expect(accepted.statusCode).toBe(202);
    const { id, job } = accepted.json();
    const done = await settle(ctx, fixture.token, job.url);
    expect(done).toMatchObject({ state: 'completed', type: 'create-event', attempts: 1, error: null });
    expect(done.result).toMatchObject({ id, alreadyExisted: false });
    expect(done.result.href).toBe(new URL(`${id}.ics`, collection).toString());

    const ics = await getObject(done.result.href, rooms!);
    expect(ics).toContain(`UID:${id}`);
    expect(ics).toContain('SUMMARY:Board meeting');
    expect(ics).toContain('DESCRIPTION:Quarterly');
    // naive times are Europe/Berlin (TIME_ZONE); the calendar's zone is Europe/Berlin too
    expect(ics).toContain(`DTSTART;TZID=Europe/Berlin:${compactDay(on(0))}T140000`);
    expect(ics).toContain(`DTEND;TZID=Europe/Berlin:${compactDay(on(0))}T153000`);
    expect(ics).toContain('BEGIN:VTIMEZONE');

    const deleted = await ctx.app.inject({ method: 'DELETE', url: `/api/${fixture.calendar.slug}/events/${id}`, headers: bearer(fixture.token) });
    expect(deleted.statusCode).toBe(202);
    const deleteJob = await settle(ctx, fixture.token, deleted.json().job.url);
    expect(deleteJob).toMatchObject({ state: 'completed', result: { id, deleted: true } });
    expect(await getObject(done.result.href, rooms!)).toBeUndefined();
  });

  it('writes offset datetimes at the exact instant, in the requested zone', async () => {
    const response = await create(
      { name: 'NY call', start: `${on(1)}T09:00:00-05:00`, end: `${on(1)}T10:00:00-05:00`, timezone: 'America/New_York' },
      { prefer: 'wait=20' },
    );
    expect(response.statusCode).toBe(201);
    const { id } = response.json();
    const ics = await getObject(new URL(`${id}.ics`, collection).toString(), rooms!);
    expect(ics).toContain(`DTSTART;TZID=America/New_York:${compactDay(on(1))}T090000`);
  });

  it('answers like the seed with Prefer: wait — 201 on create, 204 on delete, 404 for an unknown event', async () => {
    const created = await create({ name: 'Sync', start: `${on(2)}T10:00`, end: `${on(2)}T11:00` }, { prefer: 'wait=20' });
    expect(created.statusCode).toBe(201);
    expect(Object.keys(created.json())).toEqual(['id']);
    const url = `/api/${fixture.calendar.slug}/event/${created.json().id}`;
    const deleted = await ctx.app.inject({ method: 'DELETE', url, headers: { ...bearer(fixture.token), prefer: 'wait=20' } });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const again = await ctx.app.inject({ method: 'DELETE', url, headers: { ...bearer(fixture.token), prefer: 'wait=20' } });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ type: '/problems/job-not-found', status: 404, job: { state: 'failed', attempts: 1 } });
  });

  it('deletes an event another client wrote under its own file name', async () => {
    const uid = '040000008200E00074C5B7101A82E00800000000B0F1';
    const href = await putObject(
      collection,
      rooms!,
      'thunderbird-3f1c9a.ics',
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN', 'BEGIN:VEVENT', `UID:${uid}`,
        'DTSTAMP:20261101T100000Z', `DTSTART:${compactDay(on(3))}T090000Z`, `DTEND:${compactDay(on(3))}T100000Z`, 'SUMMARY:Written by Thunderbird',
        'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
    );
    const response = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/${fixture.calendar.slug}/events/${uid}`,
      headers: { ...bearer(fixture.token), prefer: 'wait=20' },
    });
    expect(response.statusCode).toBe(204);
    expect(await getObject(href, rooms!)).toBeUndefined();
  });

  it('replays an Idempotency-Key to the same event, created once', async () => {
    const body = { name: 'Retry-safe', start: `${on(4)}T10:00`, end: `${on(4)}T11:00` };
    const first = await create(body, { 'idempotency-key': 'e2e-1', prefer: 'wait=20' });
    const second = await create(body, { 'idempotency-key': 'e2e-1', prefer: 'wait=20' });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
  });

  it("refuses a job of another user's (404) and a job that does not exist", async () => {
    const other = await seedUser(ctx.db, collection);
    const created = (await create({ name: 'Private', start: `${on(5)}T10:00`, end: `${on(5)}T11:00` })).json();
    expect((await ctx.app.inject({ url: created.job.url, headers: bearer(other.token) })).statusCode).toBe(404);
    expect((await ctx.app.inject({ url: '/api/jobs/does-not-exist', headers: bearer(fixture.token) })).statusCode).toBe(404);
  });
});
