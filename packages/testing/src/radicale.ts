import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CalDavUser {
  username: string;
  password: string;
}

export interface RadicaleServer {
  /** Base URL, ending in a slash, e.g. http://127.0.0.1:41234/ */
  url: string;
  users: CalDavUser[];
  /** Radicale's storage folder (`collection-root/<user>/<calendar>/` holds each calendar's .ics files), for benchmarks that fill a calendar faster than PUT can. */
  storageDir: string;
  stop: () => Promise<void>;
}

/** Users every test run gets; tests make their own calendar collections under them. */
export const radicaleUsers: CalDavUser[] = [
  { username: 'rooms', password: 'rooms-pass' },
  { username: 'alice', password: 'alice-pass' },
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts Debian's Radicale on a free loopback port with its own storage folder and htpasswd users.
 * `--config ""` keeps it from reading /etc/radicale/config (whose auth type is unusable here).
 */
export async function startRadicale(): Promise<RadicaleServer> {
  const dir = await mkdtemp(join(tmpdir(), 'roombook-radicale-'));
  const usersFile = join(dir, 'users');
  // Plain htpasswd entries: test-only credentials, and no dependency on apache2-utils or bcrypt.
  await writeFile(usersFile, radicaleUsers.map((u) => `${u.username}:${u.password}`).join('\n') + '\n');
  const port = await freePort();
  const child: ChildProcess = spawn(
    'radicale',
    [
      '--config', '',
      '--server-hosts', `127.0.0.1:${port}`,
      '--auth-type', 'htpasswd',
      '--auth-htpasswd-filename', usersFile,
      '--auth-htpasswd-encryption', 'plain',
      '--auth-delay', '0',
      '--rights-type', 'owner_only',
      '--storage-filesystem-folder', join(dir, 'collections'),
      '--logging-level', 'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`cannot start radicale (apt-get install radicale): ${error.message}`))),
  );
  const url = `http://127.0.0.1:${port}/`;
  await Promise.race([waitForHttp(url, () => stderr), spawnError]);
  return {
    url,
    users: radicaleUsers,
    storageDir: join(dir, 'collections'),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForHttp(url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`radicale did not answer on ${url}: ${log()}`);
}

/** MKCALENDAR over plain HTTP, as a client would; returns the collection URL (trailing slash). */
export async function makeCalendar(baseUrl: string, user: CalDavUser, name: string): Promise<string> {
  const url = new URL(`${user.username}/${name}/`, baseUrl).toString();
  const response = await fetch(url, {
    method: 'MKCALENDAR',
    headers: { authorization: basicAuth(user), 'content-type': 'application/xml' },
    body:
      '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      `<D:set><D:prop><D:displayname>${name}</D:displayname></D:prop></D:set></C:mkcalendar>`,
  });
  if (response.status !== 201) throw new Error(`MKCALENDAR ${url} -> ${response.status}`);
  return url;
}

export function basicAuth(user: CalDavUser): string {
  return 'Basic ' + Buffer.from(`${user.username}:${user.password}`).toString('base64');
}

/** PUT an iCalendar object directly, the way Thunderbird or a shared-calendar client does. */
export async function putObject(collectionUrl: string, user: CalDavUser, fileName: string, ics: string): Promise<string> {
  const url = new URL(fileName, collectionUrl).toString();
  const response = await fetch(url, {
    method: 'PUT',
    headers: { authorization: basicAuth(user), 'content-type': 'text/calendar; charset=utf-8' },
    body: ics,
  });
  if (!response.ok) throw new Error(`PUT ${url} -> ${response.status}: ${await response.text()}`);
  return url;
}

/** GET an object; undefined when it is gone. */
export async function getObject(url: string, user: CalDavUser): Promise<string | undefined> {
  const response = await fetch(url, { headers: { authorization: basicAuth(user) } });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${url} -> ${response.status}`);
  return response.text();
}
