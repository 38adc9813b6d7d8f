import { getObject, makeCalendar, putObject, uniqueName } from '@roombook/testing';
import type { RunningWorkers } from '@roombook/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { TEST_SECRET_KEY, buildTestApp, startTestWorkers, testConfig } from './helper.js';
import { day, event } from './ics.js';

const ADMIN = 'admin-token-for-tests';
const admin = { authorization: `Bearer ${ADMIN}` };

describe('admin HTTP API (/api/admin)', () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let workers: RunningWorkers;
  const [rooms] = inject('radicaleUsers');
  let collection: string;
  const slug = uniqueName('adm');

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = admin) =>
    ctx.app.inject({ method, url: `/api/admin${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const waitForJob = async (id: string) => {
    for (;;) {
      const job = (await call('GET', `/jobs/${id}`)).json();
      if (job.state === 'completed' || job.state === 'failed') return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    ctx = await buildTestApp(testConfig({ SECRET_KEY: TEST_SECRET_KEY }));
    workers = await startTestWorkers(ctx.config);
    collection = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('adm'));
  });
  afterAll(async () => {
    await workers.close();
    await ctx.app.close();
    await ctx.db.close();
  });

  it('refuses requests without the admin token, also with a user API key', async () => {
    expect((await call('GET', '/users', undefined, {})).statusCode).toBe(401);
    const refused = await call('GET', '/users', undefined, { authorization: 'Bearer not-the-admin-token' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('creates a user and a key whose token is shown once and authenticates', async () => {
    const name = uniqueName('alice');
    expect((await call('POST', '/users', { name, email: 'alice@example.org' })).statusCode).toBe(201);
    expect((await call('POST', '/users', { name })).statusCode).toBe(409);
    const created = await call('POST', '/keys', { user: name, label: 'laptop' });
    expect(created.statusCode).toBe(201);
    const { token, prefix } = created.json();
    expect(token).toContain(prefix);
    const listed = (await call('GET', '/keys')).json().find((k: { prefix: string }) => k.prefix === prefix);
    expect(listed).toMatchObject({ user: name, label: 'laptop', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/calendars', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    // A user's key is not the admin token.
    expect((await call('GET', '/users', undefined, { authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect((await call('DELETE', `/keys/${prefix}`)).json().revokedAt).not.toBeNull();
    expect((await ctx.app.inject({ method: 'GET', url: '/api/calendars', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });

  it('names each bad calendar field with the rules the CLI uses, and stores nothing', async () => {
    const bad = await call('POST', '/calendars', { slug: 'Bad Slug', url: 'ftp://x/', username: 'rooms', password: 'p', timeZone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('body.slug');
    const rules = await call('POST', '/calendars', { slug, url: 'https://user:pw@dav.example.org/c/', username: 'rooms', password: 'p', timeZone: 'Mars/Olympus' });
    expect(rules.statusCode).toBe(400);
    expect(rules.json().errors).toEqual([
      { field: 'body.url', message: 'Put credentials in --username and --password/--password-env, not in the URL.' },
      { field: 'body.timeZone', message: 'Unknown IANA time zone; expected e.g. Europe/Berlin or UTC.' },
    ]);
    const wrong = await call('POST', '/calendars', { slug, url: collection, username: rooms!.username, password: 'wrong' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ type: '/problems/calendar-not-verified', problem: 'wrong-credentials' });
    expect((await call('GET', '/calendars')).json().map((c: { slug: string }) => c.slug)).not.toContain(slug);
  });

  it('adds a verified calendar, never shows its password, tests its connection, grants it', async () => {
    const created = await call('POST', '/calendars', { slug, url: collection, username: rooms!.username, password: rooms!.password, timeZone: 'europe/berlin' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ verified: true, calendar: { slug, timeZone: 'Europe/Berlin', template: null } });
    expect(created.body).not.toContain(rooms!.password);
    expect((await call('POST', `/calendars/${slug}/test-connection`)).json()).toMatchObject({ ok: true });
    const user = uniqueName('bob');
    await call('POST', '/users', { name: user });
    expect((await call('PUT', `/calendars/${slug}/users/${user}`)).statusCode).toBe(204);
    expect((await call('GET', '/grants')).json()).toContainEqual({ calendar: slug, users: [user] });
    const refused = await call('DELETE', `/calendars/${slug}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().dependents).toEqual([`1 user may book it (${user})`]);
    expect((await call('PATCH', `/calendars/${slug}`, { horizonDays: 30 })).json().calendar.horizonDays).toBe(30);
  });

  it('stores booking rules and room attributes (issues 11, 12), names each bad one in place, and changes nothing then', async () => {
    const room = uniqueName('adm-attr');
    const created = await call('POST', '/calendars', {
      slug: room, url: collection, username: rooms!.username, password: rooms!.password, verify: false,
      conflictPolicy: 'allow', seriesMaxConflicts: 2, maxDaysAhead: 90, minMinutes: 15, maxMinutes: 240, openingHours: 'Mon-Fri 07:00-20:00',
      openDelete: true, capacity: 12, features: ['projector', 'video-conf', 'projector'], location: 'Building B, 2nd floor',
    });
    expect(created.statusCode).toBe(201);
    const stored = {
      conflictPolicy: 'allow', seriesMaxConflicts: 2, maxDaysAhead: 90, minMinutes: 15, maxMinutes: 240, openingHours: 'Mon-Fri 07:00-20:00',
      openDelete: true, allowPrivateAddress: false, capacity: 12, features: ['projector', 'video-conf'], location: 'Building B, 2nd floor',
    };
    expect(created.json().calendar).toMatchObject(stored);

    const bad = await call('PATCH', `/calendars/${room}`, { capacity: 0, features: ['Projector'], conflictPolicy: 'sometimes' });
    expect(bad.statusCode).toBe(400);
    // A nullable field fails each branch of its union: one field, several messages.
    expect([...new Set(bad.json().errors.map((e: { field: string }) => e.field))].sort()).toEqual(['body.capacity', 'body.conflictPolicy', 'body.features.0']);
    const location = await call('PATCH', `/calendars/${room}`, { location: ' padded', features: ['a b'] });
    expect(location.statusCode).toBe(400);
    const hours = await call('PATCH', `/calendars/${room}`, { openingHours: 'Mon-Fri 25:00-26:00' });
    expect(hours.statusCode).toBe(400);
    expect(hours.json().errors).toEqual([{ field: 'body.openingHours', message: expect.stringMatching(/^opening hours: /) }]);
    // The minimum is checked against the stored maximum (240).
    const longer = await call('PATCH', `/calendars/${room}`, { minMinutes: 300 });
    expect(longer.statusCode).toBe(400);
    expect(longer.json().errors).toEqual([{ field: 'body.minMinutes', message: 'the minimum length (300 minutes) is above the maximum (240 minutes)' }]);
    expect((await call('GET', '/calendars')).json().find((c: { slug: string }) => c.slug === room)).toMatchObject(stored);

    const removed = await call('PATCH', `/calendars/${room}`, { openingHours: null, maxDaysAhead: null, capacity: null, features: [], location: null, conflictPolicy: 'reject' });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().calendar).toMatchObject({ openingHours: null, maxDaysAhead: null, capacity: null, features: [], location: null, conflictPolicy: 'reject', maxMinutes: 240 });
  });

  it("shows how old the worker's copy of each calendar is (mirror state)", async () => {
    const room = uniqueName('adm-sync');
    expect((await call('POST', '/calendars', { slug: room, url: collection, username: rooms!.username, password: rooms!.password, verify: false })).statusCode).toBe(201);
    const mirrorOf = async () => (await call('GET', '/calendars')).json().find((c: { slug: string }) => c.slug === room).mirror;
    expect(await mirrorOf()).toEqual({ state: 'never', refreshedAt: null, failedAt: null, error: null });
    // What the worker's refresh records (issue 12): a success, then a failure after it.
    const refreshedAt = new Date('2026-11-29T10:00:00Z');
    const failedAt = new Date('2026-11-29T10:05:00Z');
    const sql = ctx.db.db.$client;
    await sql`update calendars set mirror_refreshed_at = ${refreshedAt.toISOString()} where slug = ${room}`;
    expect(await mirrorOf()).toEqual({ state: 'synced', refreshedAt: refreshedAt.toISOString(), failedAt: null, error: null });
    await sql`update calendars set mirror_failed_at = ${failedAt.toISOString()}, mirror_error = 'CalDAV: 503 Service Unavailable' where slug = ${room}`;
    expect(await mirrorOf()).toEqual({ state: 'failed', refreshedAt: refreshedAt.toISOString(), failedAt: failedAt.toISOString(), error: 'CalDAV: 503 Service Unavailable' });
  });

  it('refuses an invalid template with its part and line, and previews valid text', async () => {
    const invalid = await call('PUT', '/templates/broken', { subject: 'Hi', body: '<mjml>\n<mj-body>\n<mj-txt>x</mj-txt>\n</mj-body>\n</mjml>' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({ type: '/problems/template-invalid', part: 'body', line: 3 });
    const preview = await call('POST', '/templates/preview', { subject: 'Gone: {{ name }}', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ organizer }}</mj-text></mj-column></mj-section></mj-body></mjml>' });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().subject).toMatch(/^Gone: /);
    expect(preview.json().html).toContain('Hello');
    const name = uniqueName('tpl');
    expect((await call('PUT', `/templates/${name}`, { subject: 'Gone: {{ name }}\n', body: preview.json() && '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>' })).statusCode).toBe(200);
    expect((await call('GET', `/templates/${name}`)).json().subject).toBe('Gone: {{ name }}');
  });

  it('clears now (dry run, then live) and restores what the clear removed from the audit log', async () => {
    const d = day(3);
    const winner = await putObject(collection, rooms!, 'w.ics', event({ uid: `w-${slug}`, summary: 'Finance', date: d, from: '1000', to: '1200', created: '20260101T080000Z' }));
    const loser = await putObject(collection, rooms!, 'l.ics', event({ uid: `l-${slug}`, summary: 'Fundraising', date: d, from: '1100', to: '1300', created: '20260301T080000Z' }));
    const dry = await call('POST', '/clear', { calendar: slug, test: true });
    expect(dry.statusCode).toBe(202);
    const dryJob = await waitForJob(dry.json().id);
    expect(dryJob.result.test_mode).toBe(true);
    expect(dryJob.result.deleted_overlapping_events.map((i: { event: { uid: string } }) => i.event.uid)).toEqual([`l-${slug}`]);
    expect(await getObject(loser, rooms!)).toBeDefined();

    const live = await waitForJob((await call('POST', '/clear', { calendar: slug, test: false })).json().id);
    expect(live.result.deleted_overlapping_events[0].status).toBe('applied');
    expect(await getObject(loser, rooms!)).toBeUndefined();
    const [entry] = (await call('GET', `/audit?calendar=${slug}`)).json();
    expect(entry).toMatchObject({ uid: `l-${slug}`, action: 'deleted', state: 'applied' });
    const restored = await call('POST', `/audit/${entry.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ id: entry.id, method: 'recreated' });
    expect(await getObject(loser, rooms!)).toContain('Fundraising');
    const again = await call('POST', `/audit/${entry.id}/restore`);
    expect(again.statusCode).toBe(409);
    expect(again.json().type).toBe('/problems/restore-refused');
    expect(await getObject(winner, rooms!)).toContain('Finance');
  });

  it('documents every admin route under the tag admin', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const adminPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/admin/'));
    expect(adminPaths.length).toBeGreaterThanOrEqual(15);
    for (const path of adminPaths) for (const op of Object.values(doc.paths[path]) as { tags: string[] }[]) expect(op.tags).toEqual(['admin']);
    expect(Object.keys(doc.paths).some((p) => p === '/admin' || p.startsWith('/admin/login'))).toBe(false);
    // The calendar schemas carry the booking rules and room attributes, with examples.
    const create = doc.paths['/api/admin/calendars'].post.requestBody.content['application/json'];
    const update = doc.paths['/api/admin/calendars/{slug}'].patch.requestBody.content['application/json'];
    const list = doc.paths['/api/admin/calendars'].get.responses['200'].content['application/json'];
    const settings = ['openDelete', 'allowPrivateAddress', 'conflictPolicy', 'seriesMaxConflicts', 'maxDaysAhead', 'minMinutes', 'maxMinutes', 'openingHours', 'capacity', 'features', 'location'];
    for (const body of [create, update]) {
      expect(Object.keys(body.schema.properties)).toEqual(expect.arrayContaining(settings));
      for (const name of settings) expect(body.schema.properties[name].examples, name).toHaveLength(1);
      expect(body.example).toBeTypeOf('object');
    }
    expect(create.example).toMatchObject({ capacity: 12, features: ['projector', 'video-conf'], openingHours: 'Mon-Fri 07:00-20:00' });
    const view = list.schema.items;
    expect(Object.keys(view.properties)).toEqual(expect.arrayContaining([...settings, 'mirror']));
    expect(view.examples?.[0] ?? list.example?.[0] ?? view.example).toMatchObject({ capacity: 12, mirror: { state: 'synced' } });
  });
});
