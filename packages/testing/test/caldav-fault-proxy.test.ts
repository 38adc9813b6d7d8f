import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { basicAuth, getObject, icsEvent, makeCalendar, startCalDavFaultProxy, uniqueName, type CalDavFaultProxy } from '../src/index.js';

describe('CalDAV fault proxy in front of real Radicale', () => {
  const [rooms] = inject('radicaleUsers');
  let proxy: CalDavFaultProxy;
  beforeAll(async () => {
    proxy = await startCalDavFaultProxy(inject('radicaleUrl'));
  });
  afterAll(() => proxy.close());

  const event = (uid: string) => icsEvent({ uid, start: new Date('2027-01-04T09:00:00Z'), end: new Date('2027-01-04T10:00:00Z') });
  const put = (url: string, ics: string) =>
    fetch(url, { method: 'PUT', headers: { authorization: basicAuth(rooms!), 'content-type': 'text/calendar' }, body: ics });

  async function calendar() {
    const direct = await makeCalendar(inject('radicaleUrl'), rooms!, uniqueName('proxy'));
    return { direct, viaProxy: proxy.proxied(direct) };
  }

  it('forwards requests unchanged when no rule matches', async () => {
    const { direct, viaProxy } = await calendar();
    const response = await put(`${viaProxy}a.ics`, event('a'));
    expect(response.status).toBe(201);
    expect(await getObject(`${direct}a.ics`, rooms!)).toContain('UID:a');
    expect(await getObject(`${viaProxy}a.ics`, rooms!)).toContain('UID:a');
  });

  it('drop-after-forward: the write happens on the server, the client gets no answer', async () => {
    const { direct, viaProxy } = await calendar();
    const remove = proxy.addRule({ method: 'PUT', pathIncludes: viaProxy.slice(proxy.origin.length), action: { kind: 'drop-after-forward' } });
    try {
      await expect(put(`${viaProxy}b.ics`, event('b'))).rejects.toThrow(/fetch failed/);
    } finally {
      remove();
    }
    expect(await getObject(`${direct}b.ics`, rooms!)).toContain('UID:b');
    const seen = proxy.requests.filter((r) => r.path.endsWith('/b.ics'));
    expect(seen).toMatchObject([{ method: 'PUT', action: 'drop-after-forward', upstreamStatus: 201, done: true }]);
  });

  it('bad-gateway answers 502 with an HTML page and never reaches the server', async () => {
    const { direct, viaProxy } = await calendar();
    const remove = proxy.addRule({ method: 'PUT', action: { kind: 'bad-gateway' } });
    const response = await put(`${viaProxy}c.ics`, event('c'));
    remove();
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<h1>502 Bad Gateway</h1>');
    expect(await getObject(`${direct}c.ics`, rooms!)).toBeUndefined();
  });

  it('reset drops the connection before forwarding', async () => {
    const { direct, viaProxy } = await calendar();
    const remove = proxy.addRule({ method: 'PUT', action: { kind: 'reset' } });
    await expect(put(`${viaProxy}d.ics`, event('d'))).rejects.toThrow(/fetch failed/);
    remove();
    expect(await getObject(`${direct}d.ics`, rooms!)).toBeUndefined();
  });

  it('counts calls per rule: only the listed calls are faulted', async () => {
    const { viaProxy } = await calendar();
    const remove = proxy.addRule({ method: 'PUT', pathIncludes: viaProxy.slice(proxy.origin.length), calls: [2], action: { kind: 'bad-gateway' } });
    const statuses: number[] = [];
    for (const name of ['e1', 'e2', 'e3']) statuses.push((await put(`${viaProxy}${name}.ics`, event(name))).status);
    remove();
    expect(statuses).toEqual([201, 502, 201]);
  });

  it('records the writes to one collection that were in flight at once', async () => {
    const first = await calendar();
    const second = await calendar();
    const remove = proxy.addRule({ method: 'PUT', action: { kind: 'delay', ms: 300 } });
    // Two writes at once to the first calendar, one at a time to the second.
    await Promise.all([put(`${first.viaProxy}f1.ics`, event('f1')), put(`${first.viaProxy}f2.ics`, event('f2'))]);
    await put(`${second.viaProxy}g1.ics`, event('g1'));
    await put(`${second.viaProxy}g2.ics`, event('g2'));
    remove();
    expect(proxy.maxConcurrentWrites(first.viaProxy)).toBe(2);
    expect(proxy.maxConcurrentWrites(second.viaProxy)).toBe(1);
    expect(proxy.count('PUT', new URL(second.viaProxy).pathname)).toBe(2);
  });
});
