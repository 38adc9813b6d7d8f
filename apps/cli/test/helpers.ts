import { inject } from 'vitest';

import { createDatabase, type DatabaseHandle } from '@roombook/db';

import { runCli } from '../src/program.js';
import { uniqueName } from '@roombook/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** The per-run database the global setup created and migrated; other test files share it. */
export const databaseUrl = inject('databaseUrl');
export const SECRET_KEY = 'cli-test-secret-key-0123456789';
/** QUEUE_PREFIX of every command these tests run (the workers' calendar locks live under it). */
export const cliQueuePrefix = `${inject('runId')}-cli`;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command in-process with DATABASE_URL and SECRET_KEY set; `env` entries override (undefined unsets). */
export async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    // The run's own Redis key space: calendar ids of other runs' databases never share a lock with ours.
    env: { DATABASE_URL: databaseUrl, SECRET_KEY, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: cliQueuePrefix, ...env },
  });
  return { code, stdout, stderr };
}

/** Runs a `--json` command that must succeed and returns its parsed document. */
export async function runJson<T>(argv: string[], env: Record<string, string | undefined> = {}): Promise<T> {
  const result = await run([...argv, '--json'], env);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} -> ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export { uniqueName };

/** stderr is exactly one `roombook: error:` line. */
export function expectOneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1 || !lines[0]!.startsWith('roombook: error: ')) {
    throw new Error(`expected one "roombook: error:" line, got:\n${stderr}`);
  }
  return lines[0]!;
}

/** A direct client for assertions, closed by the caller. */
export function openDatabase(): DatabaseHandle {
  return createDatabase(databaseUrl, { max: 2 });
}
