/**
 * Cold expansion + plan of a busy room's year (issue 9, target < 0.5 s): the 8,500 objects of
 * @roombook/testing's busyYear (~16,000 occurrences) expanded by @roombook/ical and planned by planClearing, each run
 * in a fresh process (year-cold.ts), so module loading aside, JIT warm-up and first-use caches count
 * as they do on a worker's first clear. Anchor, in the same run and also cold: ical.js only parsing
 * the same texts. Figures are CPU time (user + system) of the measured part, median of RUNS
 * processes; `ROOMBOOK_BENCH_CPU_PROF=DIR` writes each child's V8 CPU profile into DIR.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { BenchEnv, loadConfig, processEnv } from '@roombook/config';

const RUNS = 3;
const TARGET_MS = 500;
const run$ = promisify(execFile);
const child = fileURLToPath(new URL('./year-cold.ts', import.meta.url));

interface Full {
  occurrences: number;
  losers: number;
  expandCpu: number;
  expandWall: number;
  cpu: number;
  wall: number;
  fingerprint: string;
}

async function cold<T>(mode: 'full' | 'parse', profileDir: string | undefined): Promise<T> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  // No --conditions=source: the packages' built dist/ is what runs, as in the worker.
  const { stdout } = await run$(process.execPath, [...profile, '--import', 'tsx', child, mode], { env: processEnv() });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(0)} ms`;

export async function run(): Promise<void> {
  const bench = loadConfig(BenchEnv, processEnv());
  const full: Full[] = [];
  const parse: { cpu: number }[] = [];
  const loads: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    full.push(await cold<Full>('full', bench.ROOMBOOK_BENCH_CPU_PROF));
    parse.push(await cold<{ cpu: number }>('parse', undefined));
    loads.push(loadavg()[0]?.toFixed(1) ?? '?');
  }
  const cpu = median(full.map((f) => f.cpu));
  const expand = median(full.map((f) => f.expandCpu));
  const plan = median(full.map((f) => f.cpu - f.expandCpu));
  const anchor = median(parse.map((p) => p.cpu));
  const [first] = full;
  const fingerprints = [...new Set(full.map((f) => f.fingerprint))].join(', ');
  console.log(
    `cold expansion + plan of the year, ${first?.occurrences ?? 0} occurrences, ${first?.losers ?? 0} losers: ` +
      `${ms(cpu)} CPU (expand ${ms(expand)}, plan ${ms(plan)}; median of ${RUNS} fresh processes, runs ${full.map((f) => f.cpu.toFixed(0)).join(', ')} ms), ` +
      `${ms(median(full.map((f) => f.wall)))} wall — target < ${TARGET_MS} ms: ${cpu < TARGET_MS ? 'met' : `MISSED by ${(cpu - TARGET_MS).toFixed(0)}`}`,
  );
  console.log(
    `  anchor: ical.js parse alone of the same 8,500 texts, cold: ${ms(anchor)} CPU (runs ${parse.map((p) => p.cpu.toFixed(0)).join(', ')} ms); ` +
      `ratio ${(cpu / anchor).toFixed(1)}x; fingerprint ${fingerprints}; load average ${loads.join(', ')}`,
  );
}
