import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { processEnv } from '@roombook/config';

import { makeCalendarAt, waitForServer, type CalDavTestServer } from './caldav-servers.js';
import { freePort, type CalDavUser } from './radicale.js';
import { stopChild } from './child-process.js';

/**
 * Xandikos has no authentication and serves one principal: any user name and password log in, and
 * every calendar lives under that principal. The user below only makes the requests look like
 * everyone else's.
 */
export const xandikosUsers: CalDavUser[] = [{ username: 'rooms', password: 'not-checked' }];

/**
 * Starts Debian's Xandikos 0.2.8 on a free loopback port with a git store of its own. Its time-range
 * calendar-query does not evaluate recurrences (a series that started before the range is not
 * returned), which is what the cross-server tests catch.
 */
export async function startXandikos(): Promise<CalDavTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'roombook-xandikos-'));
  const port = await freePort();
  const principal = xandikosUsers[0]!.username;
  const child = spawn(
    'xandikos',
    ['-d', dir, '-l', '127.0.0.1', '-p', String(port), '--autocreate', '--current-user-principal', `/${principal}/`],
    { stdio: ['ignore', 'ignore', 'pipe'], env: processEnv() },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let spawnFailed: Error | undefined;
  child.once('error', (error) => (spawnFailed = new Error(`cannot start xandikos (apt-get install xandikos): ${error.message}`)));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForServer(url, 'xandikos', () => spawnFailed?.message ?? stderr, () => spawnFailed !== undefined || child.exitCode !== null);
    // --autocreate made the principal; its calendar home must exist before a calendar can go in it.
    const home = await fetch(new URL(`${principal}/calendars/`, url), { method: 'MKCOL', signal: AbortSignal.timeout(10_000) });
    if (home.status !== 201 && home.status !== 405) throw new Error(`MKCOL calendar home -> ${home.status}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    kind: 'xandikos',
    url,
    users: xandikosUsers,
    makeCalendar: (user, name) => makeCalendarAt(new URL(`${principal}/calendars/${encodeURIComponent(name)}/`, url).href, user, name),
    stop,
  };
}
