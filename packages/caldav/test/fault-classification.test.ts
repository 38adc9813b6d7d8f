import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { closedPortUrl, getObject, icsEvent, makeCalendar, putObject, startCalDavFaultProxy, uniqueName, type CalDavFaultProxy, type CalDavUser } from '@roombook/testing';

import { CalDavError, changedNothing, createCalDavClient, isRefused } from '../src/index.js';

async function rejection(promise: Promise<unknown>): Promise<CalDavError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CalDavError);
  return error as CalDavError;
}

/**
 * Issue 7 point 6 and the outcome-unknown class: every failure is known-refused, transient or
 * outcome-unknown, with the faults injected for real by the proxy in front of Radicale.
 */
describe('failure classification under injected faults', () => {
  const rooms: CalDavUser = inject('radicaleUsers')[0]!;
  let proxy: CalDavFaultProxy;
  beforeAll(async () => {
    proxy = await startCalDavFaultProxy(inject('radicaleUrl'));
  });
  afterAll(() => proxy.close());

  async function setUp() {
    const direct = await makeCalendar(inject('radicaleUrl'), rooms, uniqueName('classify'));
    const href = await putObject(direct, rooms, 'a.ics', icsEvent({ uid: 'a', start: new Date('2030-01-07T09:00:00Z'), end: new Date('2030-01-07T10:00:00Z') }));
    const client = createCalDavClient({ url: proxy.proxied(direct), username: rooms.username, password: rooms.password });
    const object = (await client.fetchObject(proxy.proxied(href)))!;
    return { direct, href, client, object, path: new URL(direct).pathname };
  }

  it('a write carried out whose answer is lost is outcome-unknown (and retryable)', async () => {
    const { href, client, object, path } = await setUp();
    const remove = proxy.addRule({ method: ['PUT', 'DELETE'], pathIncludes: path, action: { kind: 'drop-after-forward' } });
    try {
      const edited = object.data.replace('SUMMARY:a', 'SUMMARY:edited');
      const put = await rejection(client.updateObject({ href: object.href, etag: object.etag! }, edited));
      expect(put).toMatchObject({ code: 'NETWORK', status: null, retryable: true, failure: 'outcome-unknown', notSent: false });
      expect(put.message).toContain('outcome unknown');
      expect(await getObject(href, rooms)).toContain('SUMMARY:edited');
      const fresh = (await client.fetchObject(object.href))!;
      const del = await rejection(client.deleteObject({ href: fresh.href, etag: fresh.etag! }));
      expect(del).toMatchObject({ code: 'NETWORK', failure: 'outcome-unknown' });
      expect(isRefused(del)).toBe(false);
      expect(changedNothing(del)).toBe(false);
      expect(await getObject(href, rooms)).toBeUndefined();
    } finally {
      remove();
    }
  });

  it('a read whose connection is reset is transient, not outcome-unknown', async () => {
    const { client, path } = await setUp();
    const remove = proxy.addRule({ method: 'REPORT', pathIncludes: path, action: { kind: 'reset' } });
    try {
      const error = await rejection(client.fetchObjects({ start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-02-01T00:00:00Z') }));
      expect(error).toMatchObject({ code: 'NETWORK', retryable: true, failure: 'transient' });
    } finally {
      remove();
    }
  });

  it("a proxy's 502 HTML page is transient on reads and writes, never permanent", async () => {
    const { client, object, path } = await setUp();
    const remove = proxy.addRule({ pathIncludes: path, action: { kind: 'bad-gateway' } });
    try {
      const read = await rejection(client.fetchObjects({ start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-02-01T00:00:00Z') }));
      expect(read).toMatchObject({ code: 'SERVER_ERROR', status: 502, retryable: true, failure: 'transient' });
      const found = await rejection(client.findByUid('a'));
      expect(found).toMatchObject({ status: 502, retryable: true });
      const write = await rejection(client.deleteObject({ href: object.href, etag: object.etag! }));
      expect(write).toMatchObject({ code: 'SERVER_ERROR', status: 502, retryable: true });
      expect(isRefused(write)).toBe(false);
    } finally {
      remove();
    }
  });

  it('only a well-formed 4xx is refused; a refused connection changed nothing but is transient', async () => {
    const { client, object } = await setUp();
    const stale = await rejection(client.deleteObject({ href: object.href, etag: '"not-the-etag"' }));
    expect(stale).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412, failure: 'refused' });
    expect(isRefused(stale)).toBe(true);

    const down = createCalDavClient({ url: await closedPortUrl(), username: 'rooms', password: 'x' });
    const refused = await rejection(down.deleteObject({ href: 'x.ics', etag: '"e"' }));
    expect(refused).toMatchObject({ code: 'NETWORK', failure: 'transient', notSent: true, retryable: true });
    expect(changedNothing(refused)).toBe(true);
    expect(isRefused(refused)).toBe(false);
  });
});
