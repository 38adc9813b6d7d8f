// `npm run demo`: a room to book in one command, without Docker. Starts a local Radicale (Debian's
// package) with a demo room calendar, registers the room, a user and an API key through the
// `roombook` CLI, runs the API and the worker (scripts/start.js), and prints a curl that books the
// room. Everything it keeps lives in one folder (.demo/ unless ROOMBOOK_DEMO_DIR says otherwise);
// running it again reuses that folder. Plain ESM; it runs after `turbo run build`.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv, promisify } from 'node:util';

import { ensureSecretKey } from '@roombook/config';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.env.ROOMBOOK_DEMO_DIR || join(root, '.demo'));
const envFile = join(dir, 'roombook.env');
const stateFile = join(dir, 'demo.json');
const ROOM = 'demo-room';
const USER = 'demo';
const say = (line) => console.log(`demo: ${line}`);
const fail = (line) => {
  console.error(`demo: ${line}`);
  process.exit(1);
};

// --- Radicale installed? ----------------------------------------------------------------------
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
if (!has('radicale')) {
  // The same rule as `npm test` (scripts/test-prereqs.sh): install on the spot only as root with apt.
  if (process.getuid?.() === 0 && has('apt-get')) {
    say('installing Radicale (Debian package radicale), the CalDAV server the demo room lives on…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const ok = ['update -qq', 'install -y -qq --no-install-recommends radicale'].every(
      (args) => spawnSync('sh', ['-c', `apt-get ${args} >/dev/null`], { stdio: 'inherit', env }).status === 0,
    );
    if (!ok || !has('radicale')) fail('could not install Radicale; install it yourself: apt-get install radicale');
  } else {
    fail(
      'the demo needs Radicale, a small CalDAV server. Install it with\n' +
        '  sudo apt-get install --no-install-recommends radicale     (Debian, Ubuntu)\n' +
        '  or: python3 -m pip install --user radicale                 (anywhere with Python 3)\n' +
        'then run `npm run demo` again.',
    );
  }
}

// --- The demo folder: settings made once, then reused -----------------------------------------
mkdirSync(join(dir, 'radicale'), { recursive: true, mode: 0o700 });
const freePort = () =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });

if (!existsSync(envFile)) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const lines = [
    '# Settings of `npm run demo` (made on its first run). The demo uses these, not your shell or .env,',
    '# so it never touches a real roombook database or queue. Delete this folder to start afresh.',
    `DATABASE_URL=${process.env.ROOMBOOK_DEMO_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/roombook_demo'}`,
    // Its own queue prefix, so that two demo folders (or a real instance) never share jobs.
    `QUEUE_PREFIX=roombook-demo-${randomBytes(3).toString('hex')}`,
    'HOST=127.0.0.1',
    `PORT=${process.env.ROOMBOOK_DEMO_PORT || 8000}`,
    `TIME_ZONE=${zone}`,
    // Request logs would push the curl off the screen; warnings and errors still show.
    'LOG_LEVEL=warn',
    `ADMIN_TOKEN=${randomBytes(12).toString('hex')}`,
    `DEMO_CALDAV_PORT=${process.env.ROOMBOOK_DEMO_CALDAV_PORT || 5232}`,
    `DEMO_CALDAV_PASSWORD=${randomBytes(12).toString('hex')}`,
    '',
  ];
  writeFileSync(envFile, lines.join('\n'), { mode: 0o600 });
}
// Made once, on the first run: the room's stored password must stay readable on every later one.
ensureSecretKey({ env: parseEnv(readFileSync(envFile, 'utf8')), envFile });
const settings = parseEnv(readFileSync(envFile, 'utf8'));
const caldavBase = `http://127.0.0.1:${settings.DEMO_CALDAV_PORT}/`;
const collection = `${caldavBase}${USER}/${ROOM}/`;
const api = `http://127.0.0.1:${settings.PORT}`;
// The demo's own settings win over the shell's: a DATABASE_URL exported for a real instance must
// not lead the demo into it. ROOMBOOK_ENV_FILE makes every roombook process read the same file.
const childEnv = { ...process.env, ...settings, ROOMBOOK_ENV_FILE: envFile };

// --- Processes, and stopping them all ---------------------------------------------------------
/** @type {Map<string, import('node:child_process').ChildProcess>} */
const running = new Map();
let stopping = false;

function track(name, child) {
  running.set(name, child);
  return new Promise((resolveExit) =>
    child.once('exit', (code, signal) => {
      running.delete(name);
      resolveExit({ code, signal });
    }),
  );
}

async function stopAll(exitCode) {
  // The API and worker first (the worker may finish a job against Radicale), Radicale last.
  const roombook = running.get('roombook');
  if (roombook) {
    const exited = new Promise((r) => roombook.once('exit', r));
    roombook.kill('SIGINT');
    await exited;
  }
  const radicale = running.get('radicale');
  if (radicale) {
    const exited = new Promise((r) => radicale.once('exit', r));
    radicale.kill('SIGTERM');
    await exited;
  }
  say('stopped');
  process.exit(exitCode);
}

function requestStop(exitCode = 0) {
  // npm passes the terminal's Ctrl-C on to us as well, so one Ctrl-C can arrive twice.
  if (stopping) return;
  stopping = true;
  void stopAll(exitCode);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => requestStop(0));
// Under npm a SIGTERM may reach only npm's shell; losing our parent counts as being told to stop.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      requestStop(0);
    }
  }, 1000).unref();
}
process.on('exit', () => {
  for (const child of running.values()) child.kill('SIGKILL');
});

// --- Radicale with the demo room --------------------------------------------------------------
writeFileSync(join(dir, 'radicale', 'users'), `${USER}:${settings.DEMO_CALDAV_PASSWORD}\n`, { mode: 0o600 });
chmodSync(join(dir, 'radicale', 'users'), 0o600);
let radicaleLog = '';
// detached: the terminal's Ctrl-C reaches us, and we stop Radicale after the worker is done with it.
const radicale = spawn(
  'radicale',
  [
    '--config', '',
    '--server-hosts', `127.0.0.1:${settings.DEMO_CALDAV_PORT}`,
    '--auth-type', 'htpasswd',
    '--auth-htpasswd-filename', join(dir, 'radicale', 'users'),
    '--auth-htpasswd-encryption', 'plain',
    '--rights-type', 'owner_only',
    '--storage-filesystem-folder', join(dir, 'radicale', 'collections'),
    '--logging-level', 'warning',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
);
radicale.stderr.on('data', (chunk) => (radicaleLog += chunk.toString()));
void track('radicale', radicale).then(({ code, signal }) => {
  if (!stopping) {
    console.error(radicaleLog.trim());
    console.error(`demo: Radicale ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`);
    requestStop(1);
  }
});

const authorization = 'Basic ' + Buffer.from(`${USER}:${settings.DEMO_CALDAV_PASSWORD}`).toString('base64');
async function waitFor(url, what, init = {}) {
  for (let i = 0; i < 300 && !stopping; i++) {
    try {
      const response = await fetch(url, init);
      if (response.status < 500) return response;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!stopping) {
    console.error(radicaleLog.trim());
    fail(`${what} did not answer on ${url}`);
  }
  return undefined;
}
await waitFor(caldavBase, `Radicale (port ${settings.DEMO_CALDAV_PORT}; set ROOMBOOK_DEMO_CALDAV_PORT on a first run to move it)`);
const probe = await fetch(collection, { method: 'PROPFIND', headers: { authorization, depth: '0' } });
if (probe.status === 404) {
  const made = await fetch(collection, {
    method: 'MKCALENDAR',
    headers: { authorization, 'content-type': 'application/xml' },
    body:
      '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
      '<D:set><D:prop><D:displayname>Demo room</D:displayname></D:prop></D:set></C:mkcalendar>',
  });
  if (made.status !== 201) fail(`cannot create the demo calendar ${collection}: ${made.status} ${await made.text()}`);
  say(`created the room calendar ${collection} on Radicale`);
} else if (probe.status !== 207) {
  fail(`Radicale answered ${probe.status} for ${collection}`);
}

// --- The room, a user and a key, through the roombook CLI -------------------------------------
const exec = promisify(execFile);
async function roombook(...args) {
  try {
    const { stdout } = await exec(process.execPath, [join(root, 'apps/cli/bin/roombook.js'), ...args], { cwd: root, env: childEnv });
    return args.includes('--json') ? JSON.parse(stdout) : stdout;
  } catch (error) {
    fail(`roombook ${args.filter((a) => !a.startsWith('rbk_')).join(' ')} failed: ${(error.stderr || error.message).trim()}`);
  }
}
await roombook('migrate');
if (!(await roombook('user', 'list', '--json')).some((u) => u.name === USER)) {
  await roombook('user', 'create', '--name', USER, '--email', 'demo@example.org');
}
if (!(await roombook('calendar', 'list', '--json')).some((c) => c.slug === ROOM)) {
  // The password reaches the CLI through the environment, never the command line (`ps`).
  const env = { ...childEnv, DEMO_CALDAV_PASSWORD: settings.DEMO_CALDAV_PASSWORD };
  try {
    await exec(
      process.execPath,
      [join(root, 'apps/cli/bin/roombook.js'), 'calendar', 'create', '--slug', ROOM, '--name', 'Demo room', '--url', collection,
        '--username', USER, '--password-env', 'DEMO_CALDAV_PASSWORD', '--timezone', settings.TIME_ZONE,
        // The printed curl books the same slot on every run: the demo room takes it again (the
        // original app's behaviour) instead of answering 409 to its own example.
        '--conflicts', 'allow'],
      { cwd: root, env },
    );
  } catch (error) {
    fail(`roombook calendar create failed: ${(error.stderr || error.message).trim()}`);
  }
  say(`registered ${ROOM} with roombook`);
}
await roombook('calendar', 'grant', '--calendar', ROOM, '--user', USER, '--manage');
// The key's token is shown only once, so the demo keeps it (in its own folder) to print it again.
let state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
const keys = await roombook('key', 'list', '--json');
if (!state.apiKey || !keys.some((k) => state.apiKey.startsWith(`rbk_${k.prefix}_`) && !k.revokedAt && k.user === USER)) {
  const key = await roombook('key', 'create', '--user', USER, '--label', 'npm run demo', '--json');
  state = { apiKey: key.token };
  writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

// --- API and worker ---------------------------------------------------------------------------
const roombookProcess = spawn(process.execPath, [join(root, 'scripts/start.js')], { cwd: root, env: childEnv, stdio: 'inherit', detached: true });
void track('roombook', roombookProcess).then(({ code, signal }) => {
  if (!stopping) {
    console.error(`demo: the API and worker stopped (${signal ?? `exit code ${code}`})`);
    requestStop(1);
  }
});
await waitFor(`${api}/readyz`, `the API (port ${settings.PORT}; set ROOMBOOK_DEMO_PORT on a first run to move it)`);
if (stopping) await new Promise(() => {});

// Tomorrow 10:00–11:00 in the room's zone, as wall-clock times the API reads in TIME_ZONE.
const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: settings.TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
  .format(new Date(Date.now() + 86_400_000));
const body = JSON.stringify({ name: 'Demo meeting', start: `${tomorrow}T10:00`, end: `${tomorrow}T11:00` });
console.log(`
roombook demo is running (data in ${dir}; Ctrl-C stops everything). Book the demo room:

curl -s -H "Authorization: Bearer ${state.apiKey}" -H "Content-Type: application/json" -H "Prefer: wait=30" -d '${body}' ${api}/api/${ROOM}/events

  API docs:     ${api}/api/docs
  Bull Board:   ${api}/admin/queues   (user admin, password ${settings.ADMIN_TOKEN})
  The room:     ${collection}   (CalDAV user ${USER}, password ${settings.DEMO_CALDAV_PASSWORD})
  Its events:   curl -s -u ${USER}:${settings.DEMO_CALDAV_PASSWORD} ${collection}
  CLI:          ROOMBOOK_ENV_FILE=${envFile} npm run roombook -- calendar list
`);
