import { createServer } from 'node:http';
import { inspect } from 'node:util';

import { afterAll, describe, expect, inject, it } from 'vitest';

import { closedPortUrl, makeCalendar, startSilentServer, uniqueName, type CalDavUser } from '@roombook/testing';

import { CalDavError, createCalDavClient, isRetryable, type CalDavClient } from '../src/index.js';

const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n';

/** Every error seen here, checked for secrets at the end. */
const seen: { error: CalDavError; secrets: string[] }[] = [];

async function rejection(promise: Promise<unknown>, secrets: string[]): Promise<CalDavError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CalDavError);
  seen.push({ error: error as CalDavError, secrets });
  return error as CalDavError;
}

/** Every method against one client (started lazily, one at a time): each must fail the same way. */
function allCalls(client: CalDavClient, url: string): (() => Promise<unknown>)[] {
  const href = new URL('x.ics', url).href;
  return [
    () => client.fetchObjects(),
    () => client.fetchObject(href),
    () => client.findByUid('x'),
    () => client.createObject('x.ics', ics),
    () => client.updateObject({ href, etag: '"e"' }, ics),
    () => client.deleteObject({ href, etag: '"e"' }),
    () => client.restoreObject(href, ics),
  ];
}

describe('error classification', () => {
  it('wrong password -> UNAUTHORIZED, not retryable, on every method', async () => {
    const rooms: CalDavUser = inject('radicaleUsers')[0]!;
    const url = await makeCalendar(inject('radicaleUrl'), rooms, uniqueName('auth'));
    const password = 'Wr0ng-Pa55word-42';
    const client = createCalDavClient({ url, username: rooms.username, password });
    for (const call of allCalls(client, url)) {
      const error = await rejection(call(), [password, Buffer.from(`${rooms.username}:${password}`).toString('base64')]);
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, retryable: false });
      expect(isRetryable(error)).toBe(false);
    }
  });

  it("another user's calendar -> FORBIDDEN, not retryable", async () => {
    const [rooms, alice] = inject('radicaleUsers') as [CalDavUser, CalDavUser];
    const url = await makeCalendar(inject('radicaleUrl'), alice, uniqueName('theirs'));
    const client = createCalDavClient({ url, username: rooms.username, password: rooms.password });
    for (const call of allCalls(client, url)) {
      const error = await rejection(call(), [rooms.password]);
      expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403, retryable: false });
    }
  });

  it('a missing collection -> NOT_FOUND', async () => {
    const rooms: CalDavUser = inject('radicaleUsers')[0]!;
    const url = new URL(`${rooms.username}/${uniqueName('nope')}/`, inject('radicaleUrl')).href;
    const client = createCalDavClient({ url, username: rooms.username, password: rooms.password });
    const error = await rejection(client.fetchObjects(), [rooms.password]);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false });
  });

  it('server down (connection refused) -> NETWORK, retryable', async () => {
    const url = await closedPortUrl();
    const password = 'down-secret-pass';
    const client = createCalDavClient({ url, username: 'rooms', password });
    for (const call of allCalls(client, url)) {
      const error = await rejection(call(), [password]);
      expect(error).toMatchObject({ code: 'NETWORK', status: null, retryable: true });
      expect(error.message).toContain('ECONNREFUSED');
    }
  });

  it('a server that never answers -> TIMEOUT after timeoutMs, retryable', async () => {
    const silent = await startSilentServer();
    try {
      const password = 'silent-secret-pass';
      const client = createCalDavClient({ url: silent.url, username: 'rooms', password, timeoutMs: 300 });
      // The server never answers, so only the client's own timeout can end each call (code TIMEOUT).
      const errors = await Promise.all(allCalls(client, silent.url).map((call) => rejection(call(), [password])));
      for (const error of errors) expect(error).toMatchObject({ code: 'TIMEOUT', status: null, retryable: true });
    } finally {
      await silent.close();
    }
  });

  it('a server that sends headers and then stalls the body -> TIMEOUT too', async () => {
    // The common real hang: a 207 starts, the multistatus never finishes.
    const server = createServer((_request, response) => {
      response.writeHead(207, { 'content-type': 'application/xml; charset=utf-8' });
      response.write('<?xml version="1.0"?><multistatus xmlns="DAV:">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      if (typeof address !== 'object' || !address) throw new Error('no address');
      const client = createCalDavClient({ url: `http://127.0.0.1:${address.port}/rooms/cal/`, username: 'rooms', password: 'stall-pass', timeoutMs: 300 });
      const error = await rejection(client.fetchObjects(), ['stall-pass']);
      expect(error).toMatchObject({ code: 'TIMEOUT', status: null, retryable: true });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('isRetryable is false for anything that is not a CalDavError', () => {
    expect(isRetryable(new Error('boom'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });

  it('refuses a collection URL with credentials in it, without echoing them', () => {
    let message = '';
    try {
      createCalDavClient({ url: 'http://rooms:url-secret@127.0.0.1:1/rooms/cal/', username: 'rooms', password: 'p' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/user info/);
    expect(message).not.toContain('url-secret');
  });

  afterAll(() => {
    // Passwords and the Authorization header never appear in what callers log or store.
    expect(seen.length).toBeGreaterThan(20);
    for (const { error, secrets } of seen) {
      const rendered = [error.message, error.stack ?? '', inspect(error, { depth: 5 }), JSON.stringify(error), error.url].join('\n');
      for (const secret of secrets) expect(rendered).not.toContain(secret);
      expect(rendered).not.toMatch(/Basic [A-Za-z0-9+/=]{4,}/);
    }
  });
});
