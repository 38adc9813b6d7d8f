import { processEnv } from '@roombook/config';
/** Child processes for the benchmarks: each server under test runs alone in its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import { waitForPort } from '@roombook/testing';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
  /** RSS in MB, read from /proc (Linux). */
  rssMb(): Promise<number>;
  /** CPU time (user + system) used so far, in ms, read from /proc (Linux; 10 ms ticks). */
  cpuMs(): Promise<number>;
}

/** Starts `node [nodeArgs] script` with env; resolves once `port` accepts connections (if given). */
export async function startNode(
  script: string,
  env: Record<string, string>,
  options: { port?: number; nodeArgs?: string[]; quiet?: boolean } = {},
): Promise<Child> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    cwd: repoRoot,
    env: { ...processEnv(), ...env },
    // quiet: the request log (as in production, at LOG_LEVEL info) is written, to /dev/null
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (options.port !== undefined) {
    await Promise.race([
      waitForPort(options.port, 60_000),
      exited.then(() => {
        throw new Error(`${script} exited before listening`);
      }),
    ]);
  }
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async rssMb() {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    async cpuMs() {
      const { readFile } = await import('node:fs/promises');
      const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
  };
}
