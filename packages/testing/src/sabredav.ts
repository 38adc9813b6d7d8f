import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { processEnv } from '@roombook/config';

import { makeCalendarAt, waitForServer, type CalDavTestServer } from './caldav-servers.js';
import { stopChild } from './child-process.js';
import { freePort, type CalDavUser } from './radicale.js';

const exec = promisify(execFile);

/** The PHP side: server.php (the CalDAV server), setup.php + schema.sql (the SQLite store and users). */
const PHP_DIR = fileURLToPath(new URL('../sabredav/', import.meta.url));

export const sabreDavUsers: CalDavUser[] = [
  { username: 'rooms', password: 'rooms-pass' },
  { username: 'alice', password: 'alice-pass' },
];

/**
 * Starts SabreDAV 1.8 (Debian's php-sabre-dav, the CalDAV engine inside Nextcloud, in the version
 * Debian ships) under `php -S` on a free loopback port: Basic auth, calendars in an SQLite file of its
 * own. Needs php-cli, php-sqlite3, php-xml and php-mbstring. Calendars live at /calendars/USER/NAME/.
 * A single `php -S` process (no PHP_CLI_SERVER_WORKERS): killing it leaves nothing behind.
 */
export async function startSabreDav(): Promise<CalDavTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'roombook-sabredav-'));
  try {
    await exec('php', [join(PHP_DIR, 'setup.php'), dir, ...sabreDavUsers.map((u) => `${u.username}:${u.password}:${u.username}@example.test`)], {
      timeout: 30_000,
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`cannot set up SabreDAV (apt-get install php-cli php-sqlite3 php-sabre-dav): ${(error as Error).message}`);
  }
  const port = await freePort();
  const child = spawn('php', ['-S', `127.0.0.1:${port}`, join(PHP_DIR, 'server.php')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...processEnv(), SABRE_DATA: dir, PHP_CLI_SERVER_WORKERS: '' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let spawnFailed: Error | undefined;
  child.once('error', (error) => (spawnFailed = new Error(`cannot start php (apt-get install php-cli): ${error.message}`)));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForServer(url, 'SabreDAV', () => spawnFailed?.message ?? stderr, () => spawnFailed !== undefined || child.exitCode !== null);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    kind: 'sabredav',
    url,
    users: sabreDavUsers,
    makeCalendar: (user, name) => makeCalendarAt(new URL(`calendars/${user.username}/${encodeURIComponent(name)}/`, url).href, user, name),
    stop,
  };
}
