import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './radicale.js';

const run = promisify(execFile);

export interface PrivateCluster {
  /** Server URL (database `postgres`); pass a database name to {@link PrivateCluster.urlFor}. */
  url: string;
  urlFor: (database: string) => string;
  /** pg_ctl stop -m immediate: connections drop at once, as when the server dies. */
  kill: () => Promise<void>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster (Debian's postgresql binaries, run as user postgres, which
 * refuses to run as root) on a free loopback port, for tests that take the database away.
 * The binaries are found on PATH or under /usr/lib/postgresql/<version>/bin.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = await postgresBin();
  const dir = await mkdtemp(join(tmpdir(), 'roombook-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asPostgres = async (tool: string, args: string[]) => {
    const command = process.getuid?.() === 0 ? 'runuser' : join(bin, tool);
    const full = process.getuid?.() === 0 ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    await run(command, full, { timeout: 60_000 });
  };
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // fsync=off is safe for a process kill (the OS keeps the writes); synchronous_commit must stay on,
  // or a commit acknowledged just before `kill` is lost in the WAL buffers.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
  const start = () => asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'pg.log'), '-w', '-o', options, 'start']);
  const kill = () => asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  await start();
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    urlFor,
    kill,
    start,
    async stop() {
      await kill().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBin(): Promise<string> {
  try {
    const { stdout } = await run('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1']);
    if (stdout.trim()) return stdout.trim();
  } catch {
    // fall through to PATH
  }
  const { stdout } = await run('sh', ['-c', 'dirname "$(command -v initdb)"']);
  return stdout.trim();
}
