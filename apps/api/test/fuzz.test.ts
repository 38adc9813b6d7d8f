import { basicAuth, futureDay, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { Queue } from 'bullmq';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_TRUE, TEST_FALSE } from '../src/schemas/clear.js';
import { bearer, buildTestApp, seedUser, startTestWorkers, testConfig, type Fixture } from './helper.js';
import { day, event } from './ics.js';

/** Every object of the collection as `href etag`, sorted: what "nothing was written" compares. */
async function listing(collection: string, user: { username: string; password: string }): Promise<string[]> {
  const response = await fetch(collection, { method: 'PROPFIND', headers: { depth: '1', authorization: basicAuth(user), 'content-type': 'application/xml' }, body: '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>' });
  const xml = await response.text();
  const entries = [...xml.matchAll(/<(?:\w+:)?response>([\s\S]*?)<\/(?:\w+:)?response>/g)].map((m) => {
    const href = /<(?:\w+:)?href>([^<]*)</.exec(m[1]!)?.[1] ?? '';
    const etag = /<(?:\w+:)?getetag>([^<]*)</.exec(m[1]!)?.[1] ?? '';
    return `${href} ${etag}`;
  });
  return entries.sort();
}

const VALID_TEST = new Set<string>([...TEST_TRUE, ...TEST_FALSE].map((v) => v.toLowerCase()));

/** Printable ASCII: what can travel in an HTTP header at all (anything else never reaches a server). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
const hugeString = fc.integer({ min: 256, max: 200_000 }).map((n) => 'x'.repeat(n));
const unicode = fc.string({ unit: 'binary', maxLength: 64 });
const badDate = fc.oneof(
  fc.constantFrom('', 'tomorrow', '2026-02-30T10:00', '2026-13-01T10:00', '2026-12-01T25:00', '2026-12-01', '10:00', '2026-12-01T10:00+99:00', '0000-00-00T00:00', '२०२६-१२-०१T10:00', '2026-12-01T10:00:00.000000000000Z'),
  unicode,
  hugeString,
);
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }));
// Valid in every field, start not in the past: each bad body below is bad only in what it changes.
const good = { name: 'Fuzz', start: `${futureDay()}T10:00`, end: `${futureDay()}T11:00` };

/** A booking body with at least one thing wrong with it. */
const badBookingBody = fc.oneof(
  fc.record({ field: fc.constantFrom('name', 'start', 'end', 'description', 'organizer', 'prioritized', 'timezone'), value: wrongType }).map(({ field, value }) => ({ ...good, [field]: value })),
  fc.record({ field: fc.constantFrom('start', 'end'), value: badDate }).map(({ field, value }) => ({ ...good, [field]: value })),
  hugeString.map((name) => ({ ...good, name })),
  fc.record({ organizer: fc.oneof(unicode, hugeString, fc.constant('not-an-address')) }).filter(({ organizer }) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(organizer)).map(({ organizer }) => ({ ...good, organizer })),
  fc.record({ timezone: fc.oneof(unicode, fc.constantFrom('Mars/Base', '', '../../etc/passwd')) }).map(({ timezone }) => ({ ...good, timezone })),
  fc.record({ extra: fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !(k in good) && !['description', 'organizer', 'prioritized', 'timezone', '__proto__'].includes(k)) }).map(({ extra }) => ({ ...good, [extra]: 1 })),
  fc.constantFrom([], 'text', 42, null, true).map((v) => v as unknown),
);
const brokenJson = fc.oneof(
  fc.constantFrom('{', '{"name":', '{"name": "x",}', "{'name': 'x'}", '[', 'nul', '{"a":1}{"b":2}', '\u0000', '{"name":"\\ud800"}'),
  unicode.map((s) => `{"name": ${s}`),
  fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth)),
);

describe('fuzzing every route with malformed requests', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  let fixture: Fixture;
  let collection: string;
  let queue: Queue;
  let connection: Redis;
  const [rooms] = inject('radicaleUsers');

  beforeAll(async () => {
    // Limits high enough that the requests reach validation instead of a 429 (rate-limits.test.ts tests those).
    ctx = await buildTestApp(testConfig({ RATE_LIMIT_AUTH_FAILURES_MAX: '100000', RATE_LIMIT_JOBS_MAX: '100000' }));
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('fuzz'));
    // not a manager: cancelling an event one did not book is refused before anything is queued
    fixture = await seedUser(ctx.db, collection, { manage: false });
    await putObject(collection, rooms!, 'existing.ics', event({ uid: 'existing', summary: 'Existing', date: day(3), from: '1000', to: '1100', created: '20260101T080000Z' }));
    connection = new Redis(ctx.config.REDIS_URL);
    queue = new Queue('calendar', { connection, prefix: ctx.config.QUEUE_PREFIX });
    workers = await startTestWorkers(ctx.config);
  });
  afterAll(async () => {
    await workers.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await ctx.app.close();
    await ctx.db.close();
  });

  it('answers 1,000+ malformed requests without a 5xx, always with problem+json, writing nothing', async () => {
    const before = await listing(collection, rooms!);
    expect(before.some((e) => e.includes('existing.ics'))).toBe(true);
    const slug = fixture.calendar.slug;
    const auth = fc.oneof(
      { weight: 4, arbitrary: fc.constant(bearer(fixture.token)) },
      fc.constant({}),
      headerText.map((v) => ({ authorization: v })),
      headerText.map((v) => ({ authorization: `Bearer ${v}` })),
      headerText.map((v) => ({ authorization: `Basic ${v}` })),
    );
    const extraHeaders = fc.record(
      {
        prefer: fc.oneof(headerText, fc.constantFrom('wait=abc', 'wait=-1', 'wait=99999999999999999999', 'wait=0')),
        'idempotency-key': fc.oneof(headerText, fc.constant(''), fc.constant('k'.repeat(300))),
        'content-type': fc.constantFrom('application/json', 'text/plain', 'application/xml', 'application/json; charset=latin1', 'multipart/form-data', headerText as unknown as string),
        accept: headerText,
      },
      { requiredKeys: [] },
    );
    const request = fc.oneof(
      fc.record({ method: fc.constant('POST'), url: fc.constantFrom(`/api/${slug}/events`, `/api/${slug}/event`, `/api/${slug}/events/`), payload: fc.oneof(badBookingBody.map((b) => JSON.stringify(b)), brokenJson) }),
      fc.record({ method: fc.constant('POST'), url: fc.oneof(unicode, headerText, hugeString).map((s) => `/api/${encodeURIComponent(s)}/events`), payload: badBookingBody.map((b) => JSON.stringify(b)) }),
      fc.record({ method: fc.constant('DELETE'), url: fc.oneof(unicode, headerText, fc.constant('existing'), fc.string({ minLength: 256, maxLength: 400 })).map((id) => `/api/${slug}/events/${encodeURIComponent(id)}`), payload: fc.oneof(fc.constant(''), brokenJson) }),
      fc.record({
        method: fc.constant('DELETE'),
        url: fc.record({ calendar: fc.oneof(fc.constant(slug), unicode, headerText), test: fc.oneof(unicode, headerText, hugeString).filter((t) => !VALID_TEST.has(t.toLowerCase())) })
          .map(({ calendar, test }) => `/api/clear-bookings?calendar=${encodeURIComponent(calendar)}&test=${encodeURIComponent(test)}`),
        payload: fc.constant(''),
      }),
      fc.record({ method: fc.constant('GET'), url: fc.oneof(unicode, headerText, hugeString).map((id) => `/api/jobs/${encodeURIComponent(id)}`), payload: fc.constant('') }),
      fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), url: fc.constantFrom('/api/calendars', '/healthz', '/readyz', '/api/openapi.json', '/admin/queues', '/metrics', `/api/${slug}`, '/api/', '/%', '/api/%E0%A4%A'), payload: fc.oneof(fc.constant(''), brokenJson) }),
    );

    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, auth, extraHeaders, async (req, authorization, headers) => {
        const response = await ctx.app.inject({
          method: req.method as 'GET',
          url: req.url,
          headers: { 'content-type': 'application/json', ...headers, ...authorization },
          ...(req.payload !== '' && { payload: req.payload }),
        });
        sent++;
        expect(response.statusCode, `${req.method} ${req.url.slice(0, 200)}`).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          const problem = response.json();
          expect(problem.status).toBe(response.statusCode);
          expect(typeof problem.type).toBe('string');
        }
        // nothing that creates an event may be accepted
        if (req.method === 'POST') expect(response.statusCode).not.toBe(202);
      }),
      { numRuns: 1200, seed: 20261129 },
    );
    expect(sent).toBeGreaterThanOrEqual(1000);

    // Whatever was queued has run (there should be nothing); the calendar is exactly as before.
    expect((await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).filter((j) => j.name === 'create-event')).toEqual([]);
    const drained = async () => (await queue.getJobCounts('waiting', 'active', 'delayed')) as Record<string, number>;
    for (let i = 0; i < 300 && Object.values(await drained()).some((n) => n > 0); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await listing(collection, rooms!)).toEqual(before);
  });
});
