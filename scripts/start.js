// `npm start` without Docker: migrate, then run the API and the worker side by side until a signal
// arrives or one of them dies. Plain ESM (no build step of its own); it runs after `turbo run
// build`, so it uses @roombook/config's .env loader like every other roombook process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureSecretKey, findEnvFile, loadEnvFile } from '@roombook/config';
import { workerEnv, workerNodeFlags } from '@roombook/worker/process-settings';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A worker busy with a CalDAV call may need its whole CALDAV_TIMEOUT_MS (30 s by default) to
// finish; past this we assume it hangs rather than lose the terminal forever.
const FORCE_KILL_AFTER_MS = 60_000;

// The shell wins over .env (see loadEnvFile); ROOMBOOK_ENV_FILE may name another file.
const envFile = findEnvFile(process.env, root) ?? join(root, '.env');
if (existsSync(envFile)) loadEnvFile({ cwd: root });
// A key made up per start (`SECRET_KEY=$(openssl rand -hex 32) npm start`) would make every stored
// CalDAV password unreadable at the next start; so when there is none, one is made once and kept.
if (ensureSecretKey({ envFile }) !== 'present') {
  const shown = envFile.startsWith(process.cwd() + sep) ? relative(process.cwd(), envFile) : envFile;
  console.error(`roombook: no SECRET_KEY was set, so a new one is now in ${shown}; keep that file, stored CalDAV passwords need it`);
}

// Checked here rather than left to the worker: otherwise the API would come up, the worker would
// die on its config check, and the user would see the API being stopped with a less direct error.
const secretKey = process.env.SECRET_KEY ?? '';
if (secretKey.length < 16) {
  console.error(
    `roombook: SECRET_KEY is ${secretKey === '' ? 'not set' : 'shorter than 16 characters'}. ` +
      'The worker needs it to encrypt and decrypt CalDAV passwords.\n' +
      'Create one with `openssl rand -hex 32` and put it in .env (SECRET_KEY=...) or the environment. ' +
      'Keep it: calendars stored with one key cannot be read with another.',
  );
  process.exit(1);
}

/** @type {Map<string, import('node:child_process').ChildProcess>} */
const running = new Map();
let stopping = false;
/** The signal we forwarded on request; a child without a handler yet dies of it, which is fine. */
let requestedSignal = null;

function run(name, args, env = {}) {
  // detached: the children get their own process group, so a Ctrl-C in the terminal reaches them
  // once (forwarded by us) instead of twice; the API's close-with-grace exits 1 on a second signal.
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, ...env } });
  running.set(name, child);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(name);
      resolve({ name, code, signal });
    });
    child.once('error', (error) => {
      running.delete(name);
      console.error(`roombook: cannot start ${name}: ${error.message}`);
      resolve({ name, code: 1, signal: null });
    });
  });
  return exited;
}

function stopAll(signal) {
  for (const child of running.values()) child.kill(signal);
  setTimeout(() => {
    for (const [name, child] of running) {
      console.error(`roombook: ${name} still running ${FORCE_KILL_AFTER_MS / 1000} s after ${signal}, killing it`);
      child.kill('SIGKILL');
    }
  }, FORCE_KILL_AFTER_MS).unref();
}

function requestStop(why, signal) {
  // npm forwards the terminal's SIGINT to us as well, so one Ctrl-C can arrive twice.
  if (stopping) return;
  stopping = true;
  requestedSignal = signal;
  console.error(`roombook: ${why}, stopping ${[...running.keys()].join(' and ') || 'nothing'}`);
  stopAll(signal);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => requestStop(`${signal} received`, signal));
}

// `npm start` runs us under `sh -c '… && node scripts/start.js'`: a SIGTERM to npm is passed to that
// shell only, which dies without passing it on, and we would keep running as an orphan. So under
// npm, losing the parent counts as being told to stop.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (error) {
      if (error.code === 'ESRCH') requestStop('npm has exited', 'SIGTERM');
    }
  }, 1000).unref();
}

// Detached children would outlive us if we crashed; take them down on any exit we can observe.
process.on('exit', () => {
  for (const child of running.values()) child.kill('SIGTERM');
});

const succeeded = ({ code }) => code === 0;

const migration = await run('migration', ['apps/cli/bin/roombook.js', 'migrate']);
if (!succeeded(migration)) {
  if (!stopping) console.error('roombook: migration failed, not starting the API and the worker');
  process.exit(migration.code ?? 1);
}
if (stopping) process.exit(0);

const children = [
  run('api', ['apps/api/dist/server.js']),
  // Its memory settings (Node flags, glibc malloc settings): apps/worker/src/process-settings.ts.
  run('worker', [...workerNodeFlags, 'apps/worker/dist/main.js'], workerEnv),
];

let failed = false;
const first = await Promise.race(children);
if (!stopping) {
  // Neither process ends on its own while healthy, so any exit here is a failure, even code 0.
  failed = true;
  const how = first.signal ? `was killed by ${first.signal}` : `exited with code ${first.code}`;
  console.error(`roombook: ${first.name} ${how}; stopping the rest`);
  stopping = true;
  stopAll('SIGTERM');
}

const results = await Promise.all(children);
for (const result of results) {
  if (succeeded(result) || result.signal === requestedSignal || (result === first && failed)) continue;
  failed = true;
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  console.error(`roombook: ${result.name} ${how} while stopping`);
}
if (!failed) console.error('roombook: api and worker stopped');
process.exit(failed ? 1 : 0);
