import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { processEnv } from '@roombook/config';
import postgres from 'postgres';

import { basicAuth, freePort, type CalDavUser } from './radicale.js';

export interface DavicalUser extends CalDavUser {
  email: string;
}

export interface DavicalServer {
  /** Base URL of the CalDAV endpoint, ending in a slash: http://127.0.0.1:PORT/caldav.php/ */
  url: string;
  /** Principals with a default calendar `calendar/` each (where DAViCal files invitations). */
  users: DavicalUser[];
  stop: () => Promise<void>;
}

/** alice organizes meetings, room is the meeting room principal, bob is a spare attendee. */
export const davicalUsers: DavicalUser[] = [
  { username: 'alice', password: 'alice-pass', email: 'alice@example.test' },
  { username: 'room', password: 'room-pass', email: 'room@example.test' },
  { username: 'bob', password: 'bob-pass', email: 'bob@example.test' },
];

const HTDOCS = '/usr/share/davical/htdocs';
const CREATE_DATABASE = '/usr/share/davical/dba/create-database.sh';
const CONFIG_DIR = '/etc/davical';
const STEP_TIMEOUT_MS = 60_000;

/**
 * Starts Debian's DAViCal 1.1.12 (the one CalDAV server here with RFC 6638 implicit scheduling)
 * under `php -S` on a free loopback port, backed by a fresh database on the machine's PostgreSQL.
 *
 * DAViCal reads its configuration only from `/etc/davical/<SERVER_NAME>-conf.php` (or the shared
 * config.php). The generated router sets SERVER_NAME to a name unique to this start before DAViCal
 * runs, so each start has a config file of its own and parallel runs do not see each other's
 * database; the config puts `domain_name` back to 127.0.0.1 for the URLs DAViCal builds.
 * A single `php -S` process (no PHP_CLI_SERVER_WORKERS): killing it leaves nothing behind.
 */
export async function startDavical(serverUrl = 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<DavicalServer> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dbName = `davical_t${id}`;
  const serverName = `roombook-davical-${id}`;
  const configFile = join(CONFIG_DIR, `${serverName}-conf.php`);
  const pg = new URL(serverUrl);
  const pgHost = pg.hostname || '127.0.0.1';
  const pgPort = pg.port || '5432';
  const pgUser = decodeURIComponent(pg.username) || 'postgres';
  const dir = await mkdtemp(join(tmpdir(), 'roombook-davical-'));
  let child: ChildProcess | undefined;
  let databaseCreated = false;

  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(configFile, { force: true });
    await rm(dir, { recursive: true, force: true });
    if (databaseCreated) {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        // `with (force)`: php may not have closed its connection yet when it was killed.
        await sql.unsafe(`drop database if exists "${dbName}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
  };

  try {
    // Before the script runs: a failure halfway through must still drop what it created.
    databaseCreated = true;
    // Creates the roles davical_dba/davical_app only when missing, so repeated runs share them.
    await run(CREATE_DATABASE, [dbName, randomBytes(9).toString('hex')], {
      ...processEnv(),
      PGHOST: pgHost,
      PGPORT: pgPort,
      PGUSER: pgUser,
      DBAOPTS: `--dbhost ${pgHost} --dbport ${pgPort}`,
    });
    await addUsers(serverUrl, dbName);

    await writeFile(
      configFile,
      [
        '<?php',
        `$c->pg_connect[] = ${phpString(`host=${pgHost} port=${pgPort} dbname=${dbName} user=davical_app`)};`,
        `$c->domain_name = '127.0.0.1';`,
        `$c->system_name = 'roombook test DAViCal';`,
        `$c->admin_email = 'admin@example.test';`,
        '',
      ].join('\n'),
    );
    const router = join(dir, 'router.php');
    await writeFile(router, routerScript(serverName));

    const port = await freePort();
    child = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', HTDOCS, router], {
      cwd: HTDOCS,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...processEnv(), PHP_CLI_SERVER_WORKERS: '' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const spawnError = new Promise<never>((_, reject) =>
      child!.once('error', (error) => reject(new Error(`cannot start php (apt-get install davical): ${error.message}`))),
    );
    const url = `http://127.0.0.1:${port}/caldav.php/`;
    await Promise.race([waitForDavical(url, davicalUsers[0]!, () => stderr), spawnError]);
    for (const user of davicalUsers) await mkcalendar(new URL(`${user.username}/calendar/`, url).toString(), user);
    return { url, users: davicalUsers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function routerScript(serverName: string): string {
  return `<?php
// php -S router for DAViCal: everything that is not a static file goes to caldav.php.
// SERVER_NAME picks /etc/davical/<SERVER_NAME>-conf.php, i.e. this run's configuration.
$_SERVER['SERVER_NAME'] = ${phpString(serverName)};
$uri = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if (preg_match('#^/(caldav\\.php|admin\\.php|index\\.php|setup\\.php|freebusy\\.php|public\\.php)(/|$)#', $uri)) return false;
if ($uri !== '/' && file_exists(${phpString(HTDOCS)} . $uri)) return false;
$_SERVER['SCRIPT_NAME'] = '/caldav.php';
$_SERVER['PATH_INFO'] = $uri;
chdir(${phpString(HTDOCS)});
require ${phpString(`${HTDOCS}/caldav.php`)};
`;
}

/**
 * Users with plain-text passwords ('**' prefix) and principals with DAViCal's default privileges
 * for UI-created principals (read-free-busy + schedule-deliver): without schedule-deliver a
 * principal refuses invitations.
 */
async function addUsers(serverUrl: string, dbName: string): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    for (const user of davicalUsers) {
      await sql`insert into usr (active, email_ok, updated, username, password, fullname, email)
        values (true, now(), now(), ${user.username}, ${`**${user.password}`}, ${user.username}, ${user.email})`;
    }
    await sql`insert into principal (type_id, user_no, displayname, default_privileges)
      select 1, user_no, fullname, '000000000001111000000000' from usr where username in ${sql(davicalUsers.map((u) => u.username))}`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function waitForDavical(url: string, user: CalDavUser, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { method: 'PROPFIND', headers: { authorization: basicAuth(user), depth: '0' }, signal: AbortSignal.timeout(5_000) });
      // 207 only once the configuration, the database and the user all work.
      if (response.status === 207) return;
      last = `${response.status}: ${(await response.text()).slice(0, 500)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`DAViCal did not answer on ${url} (${last}): ${log()}`);
}

async function mkcalendar(url: string, user: CalDavUser): Promise<void> {
  const response = await fetch(url, {
    method: 'MKCALENDAR',
    headers: { authorization: basicAuth(user), 'content-type': 'application/xml' },
    body:
      '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      '<D:set><D:prop><D:displayname>calendar</D:displayname></D:prop></D:set></C:mkcalendar>',
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) throw new Error(`MKCALENDAR ${url} -> ${response.status}: ${await response.text()}`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: STEP_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function phpString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
