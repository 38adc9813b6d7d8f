/**
 * expandObject benchmark: what a clear costs per calendar object. Builds a busy room calendar from
 * the test fixtures (Thunderbird weekly series with a Europe/Berlin VTIMEZONE, Outlook series with a
 * "W. Europe Standard Time" VTIMEZONE starting in 1601 and moved/cancelled overrides, single events
 * from several clients, all-day events and series), shifted to start up to three years before the
 * window, and expands every object over a 365-day window as a clear does.
 *
 * Prints, per calendar size: mean and median ms per object, objects/s, heap growth, and a fingerprint
 * of the expanded occurrences — so a speed-up can be checked to give byte-identical results.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { expandObject, type ExpandedOccurrence, type ExpandOptions } from '../src/index.js';
import { seededRandom } from '@roombook/testing';

const DAY_MS = 86_400_000;
const FROM = new Date('2026-01-05T00:00:00Z');
const OPTIONS: ExpandOptions = {
  from: FROM,
  to: new Date(FROM.getTime() + 365 * DAY_MS),
  defaultTimeZone: 'Europe/Berlin',
  roomAddresses: ['room-spree@example.org', 'room-havel@example.com'],
};
const RUNS: Record<number, number> = { 100: 7, 1_000: 3 };

type Kind = 'thunderbird-weekly' | 'outlook-series' | 'single' | 'all-day' | 'rdate-duration';
interface BenchObject {
  kind: Kind;
  ics: string;
}

function fixture(name: string): string {
  return readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');
}


const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 'YYYYMMDD[THHMMSS[Z]]' moved by `minutes` on the wall clock (DATE values by whole days). */
function shiftValue(value: string, minutes: number): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!m) return value;
  const [, y, mo, d, h, mi, s, z] = m;
  const isDate = h === undefined;
  const shift = isDate ? Math.trunc(minutes / 1440) * 1440 : minutes;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) + shift * 60_000);
  const day = `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
  return isDate ? day : `${day}T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}${z ?? ''}`;
}

/**
 * Moves every occurrence-defining date of the object's VEVENTs (DTSTART, DTEND, RECURRENCE-ID,
 * EXDATE, RDATE, UNTIL) by `minutes`; VTIMEZONE rules, DTSTAMP and CREATED stay as written.
 */
function shift(ics: string, minutes: number): string {
  let inTimezone = false;
  return ics
    .split('\r\n')
    .map((line) => {
      if (line === 'BEGIN:VTIMEZONE') inTimezone = true;
      if (line === 'END:VTIMEZONE') inTimezone = false;
      if (inTimezone) return line;
      if (/^(DTSTART|DTEND|RECURRENCE-ID|EXDATE|RDATE)[;:]/.test(line)) {
        const colon = line.indexOf(':');
        return line.slice(0, colon + 1) + line.slice(colon + 1).replace(/\d{8}(T\d{6}Z?)?/g, (v) => shiftValue(v, minutes));
      }
      if (line.startsWith('RRULE:')) return line.replace(/UNTIL=([0-9TZ]+)/, (_, v: string) => `UNTIL=${shiftValue(v, minutes)}`);
      return line;
    })
    .join('\r\n');
}

function withUid(ics: string, uid: string): string {
  // Also replaces folded UIDs (Outlook's run over two lines).
  return ics.replace(/^UID:.*(?:\r\n .*)*/gm, `UID:${uid}`);
}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR'];

/** A deterministic busy room calendar of `size` objects (also the worker's store benchmark's calendar). */
export function generate(size: number, seed: number): BenchObject[] {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const thunderbird = fixture('thunderbird-weekly.ics');
  const outlook = fixture('outlook-series.ics');
  const singles = [
    'google-room-accepted.ics',
    'google-room-declined.ics',
    'transparent.ics',
    'cancelled-leftover.ics',
    'nextcloud-floating.ics',
  ].map(fixture);
  const appleAllDay = fixture('apple-allday.ics');
  const allDaySeries = fixture('allday-series.ics');
  const rdateDuration = fixture('rules-count-rdate-duration.ics');
  const objects: BenchObject[] = [];
  for (let n = 0; n < size; n++) {
    const uid = `bench-${seed}-${n}@example.org`;
    const kind = random();
    // Series start up to ~3 years before the window, so expansion walks a long way to reach it.
    const weeksBack = int(160);
    if (kind < 0.4) {
      // Thunderbird: Monday 09:00-10:00 weekly from 2026-03-02; another weekday, hour, start, end.
      const day = int(WEEKDAYS.length);
      const end = random();
      const rule = `RRULE:FREQ=WEEKLY;BYDAY=${WEEKDAYS[day] ?? 'MO'}${end < 0.2 ? `;COUNT=${10 + int(200)}` : ''}`;
      const text = withUid(thunderbird, uid).replace('RRULE:FREQ=WEEKLY;BYDAY=MO', rule);
      objects.push({ kind: 'thunderbird-weekly', ics: shift(text, (day - 7 * weeksBack) * 1440 + (int(9) - 1) * 60) });
    } else if (kind < 0.65) {
      // Outlook: TU/TH from 2026-03-03 with two overrides; open-ended or UNTIL 10-200 weeks later.
      const until = random() < 0.5 ? '' : `UNTIL=${shiftValue('20260303T130000Z', (10 + int(190)) * 7 * 1440)};`;
      const text = withUid(outlook, uid).replace('UNTIL=20260430T120000Z;', until);
      objects.push({ kind: 'outlook-series', ics: shift(text, -7 * weeksBack * 1440 + (int(7) - 3) * 60) });
    } else if (kind < 0.88) {
      const text = withUid(singles[int(singles.length)] ?? '', uid);
      objects.push({ kind: 'single', ics: shift(text, (int(400) - 70) * 1440 + int(32) * 15) });
    } else if (kind < 0.96) {
      if (random() < 0.5) {
        objects.push({ kind: 'all-day', ics: shift(withUid(appleAllDay, uid), (int(400) - 70) * 1440) });
      } else {
        const text = withUid(allDaySeries, uid).replace('UNTIL=20260323', `UNTIL=${shiftValue('20260323', int(200) * 7 * 1440)}`);
        objects.push({ kind: 'all-day', ics: shift(text, -7 * weeksBack * 1440) });
      }
    } else {
      objects.push({ kind: 'rdate-duration', ics: shift(withUid(rdateDuration, uid), (int(400) - 70) * 1440) });
    }
  }
  return objects;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A real gc() for honest heap figures (the runner does not start node with --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => void (gc as () => unknown)() : () => undefined;
}

interface Pass {
  perObject: number[];
  total: number;
  /** CPU time (user + system) of the pass, ms: less sensitive than wall time to a busy machine. */
  cpu: number;
  results: ExpandedOccurrence[][];
}

function expandAll(objects: BenchObject[]): Pass {
  const perObject: number[] = [];
  const results: ExpandedOccurrence[][] = [];
  const cpu0 = process.cpuUsage();
  for (const { ics } of objects) {
    const t0 = performance.now();
    results.push(expandObject(ics, OPTIONS));
    perObject.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { perObject, total: perObject.reduce((a, b) => a + b, 0), cpu: (cpu.user + cpu.system) / 1000, results };
}

const mb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / 1_048_576).toFixed(1)} MB`;

export async function run(): Promise<void> {
  const gc = collector();
  const days = Math.round((OPTIONS.to.getTime() - OPTIONS.from.getTime()) / DAY_MS);
  console.log(`window ${OPTIONS.from.toISOString().slice(0, 10)} + ${days} days, default zone ${OPTIONS.defaultTimeZone}`);
  // Warm-up, on a different calendar so no cache is pre-filled with the measured objects' texts.
  expandAll(generate(50, 7));

  for (const size of [100, 1_000]) {
    const objects = generate(size, 42);
    const runs = RUNS[size] ?? 3;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const first = expandAll(objects);
    const heapAfter = process.memoryUsage().heapUsed;
    gc();
    const heapRetained = process.memoryUsage().heapUsed;
    const occurrences = first.results.reduce((sum, r) => sum + r.length, 0);
    const fingerprint = createHash('sha256').update(JSON.stringify(first.results)).digest('hex').slice(0, 16);
    const passes = [first];
    for (let i = 1; i < runs; i++) passes.push(expandAll(objects));
    const mean = median(passes.map((p) => p.total)) / size;
    const cpu = median(passes.map((p) => p.cpu)) / size;
    const perObject = median(passes.flatMap((p) => p.perObject));
    console.log(
      `expandObject ${String(size).padStart(5)} objects: median ${perObject.toFixed(3)} ms/object, mean ${mean.toFixed(3)} ms/object ` +
        `(CPU ${cpu.toFixed(3)} ms/object; median of ${runs} runs), ${Math.round(1000 / mean).toLocaleString('en-US')} objects/s; ` +
        `${occurrences} occurrences, ` +
        `fingerprint ${fingerprint}; heap ${mb(heapAfter - heapBefore)} during the first pass, ${mb(heapRetained - heapBefore)} ` +
        `retained after GC (with the results)`,
    );
    if (size === 1_000) {
      const byKind = new Map<Kind, number[]>();
      passes.forEach((pass) =>
        objects.forEach((object, i) => {
          const list = byKind.get(object.kind) ?? [];
          list.push(pass.perObject[i] ?? 0);
          byKind.set(object.kind, list);
        }),
      );
      for (const [kind, times] of [...byKind].sort()) {
        const avg = times.reduce((a, b) => a + b, 0) / times.length;
        console.log(
          `  ${kind.padEnd(20)} ${String(times.length / runs).padStart(4)} objects: median ${median(times).toFixed(3)} ms, mean ${avg.toFixed(3)} ms`,
        );
      }
    }
  }
}
