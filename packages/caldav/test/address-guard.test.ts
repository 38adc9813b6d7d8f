import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isForbiddenAddress } from '../src/address-guard.js';
import { verifyCalendarCollection } from '../src/index.js';

const CALENDAR_PROPFIND = `<?xml version="1.0" encoding="utf-8"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>/cal/</href><propstat><prop>
<resourcetype><collection/><C:calendar/></resourcetype><displayname>Room</displayname></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>`;

function listen(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('calendar URLs: link-local and metadata addresses', () => {
  it('classifies link-local and metadata addresses, not loopback or private ranges', () => {
    for (const a of ['169.254.169.254', '169.254.0.1', 'fe80::1', '[fe80::abcd]', '::ffff:169.254.169.254', 'fd00:ec2::254']) expect(isForbiddenAddress(a), a).toBe(true);
    for (const a of ['127.0.0.1', '::1', '10.1.2.3', '192.168.1.10', '172.16.0.5', 'fd12::1', '8.8.8.8']) expect(isForbiddenAddress(a), a).toBe(false);
  });

  it('refuses the cloud metadata address without sending anything, unless allowed', async () => {
    const refused = await verifyCalendarCollection({ url: 'http://169.254.169.254/latest/', username: 'u', password: 'p', timeoutMs: 500 });
    expect(refused).toMatchObject({ ok: false, problem: 'forbidden' });
    expect(!refused.ok && refused.message).toMatch(/link-local or cloud metadata address.*--allow-private-address/);
    const v6 = await verifyCalendarCollection({ url: 'http://[fe80::1]/cal/', username: 'u', password: 'p', timeoutMs: 500 });
    expect(v6).toMatchObject({ ok: false, problem: 'forbidden' });
    // Allowed: the request is really made (and fails for want of a metadata service here).
    const allowed = await verifyCalendarCollection({ url: 'http://169.254.169.254/latest/', username: 'u', password: 'p', timeoutMs: 500, allowPrivateAddress: true });
    expect(allowed.ok === false && allowed.message).not.toMatch(/link-local/);
  });
});

describe('calendar URLs: redirects', () => {
  let other: { server: Server; origin: string };
  let home: { server: Server; origin: string };
  const seenByOther: (string | undefined)[] = [];

  beforeAll(async () => {
    other = await listen((req, res) => {
      seenByOther.push(req.headers.authorization);
      res.writeHead(207, { 'content-type': 'application/xml' }).end(CALENDAR_PROPFIND);
    });
    home = await listen((req, res) => {
      if (req.url === '/moved/') return void res.writeHead(308, { location: '/cal/' }).end();
      if (req.url === '/away/') return void res.writeHead(307, { location: `${other.origin}/cal/` }).end();
      if (req.url === '/loop/') return void res.writeHead(302, { location: '/loop/' }).end();
      if (req.url === '/metadata/') return void res.writeHead(307, { location: 'http://169.254.169.254/latest/' }).end();
      res.writeHead(207, { 'content-type': 'application/xml' }).end(CALENDAR_PROPFIND);
    });
  });
  afterAll(() => {
    other.server.close();
    home.server.close();
  });

  it('follows a redirect within the same origin', async () => {
    expect(await verifyCalendarCollection({ url: `${home.origin}/moved/`, username: 'u', password: 'p' })).toEqual({ ok: true, displayName: 'Room' });
  });

  it('refuses a redirect to another origin and never sends the credentials there', async () => {
    const result = await verifyCalendarCollection({ url: `${home.origin}/away/`, username: 'u', password: 'secret-pass' });
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.message).toMatch(/redirected to another origin/);
    expect(seenByOther).toEqual([]);
  });

  it('stops a redirect loop and a redirect to a metadata address', async () => {
    const loop = await verifyCalendarCollection({ url: `${home.origin}/loop/`, username: 'u', password: 'p' });
    expect(!loop.ok && loop.message).toMatch(/more than 5 times/);
    const metadata = await verifyCalendarCollection({ url: `${home.origin}/metadata/`, username: 'u', password: 'p', timeoutMs: 500 });
    expect(!metadata.ok && metadata.message).toMatch(/another origin|link-local/);
  });
});
