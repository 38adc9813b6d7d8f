/**
 * Clearing-planner benchmark (design §8: clearing time against calendar size). Generates busy,
 * overbooked room calendars — weekly/daily series, one-off bookings, all-day blocks, cancelled and
 * declined leftovers, prioritized board bookings — from a fixed seed, and times planClearing.
 */
import { performance } from 'node:perf_hooks';
import { planClearing, type Occurrence } from '../src/index.js';
import { seededRandom } from '@roombook/testing';

const MINUTE = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 6, 14, 6, 0, 0);
const TOKENS = ['#board', '#works-council'];
/** About 14 bookings per day in a room with ~10 bookable hours: heavily overbooked, many clashes. */
const PER_DAY = 14;
const RUNS = 7;


const NAMES = ['Finance Monthly', 'Job Interviews', 'Workers Council Meeting', 'Team Standup', 'Design Review', 'Sales Sync'];
const ORGANIZERS = ['head-of-finance', 'head-of-hr', 'workers-council', 'head-of-fundraising', 'it-team', 'sales'];

/** A deterministic calendar of exactly `size` occurrences spread over size / PER_DAY days. */
function generate(size: number, seed: number): Occurrence[] {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const days = Math.max(1, Math.ceil(size / PER_DAY));
  const out: Occurrence[] = [];
  let objectNo = 0;
  while (out.length < size) {
    objectNo++;
    const kind = random();
    const uid = `bench-${seed}-${objectNo}`;
    const day = int(days);
    const startOfDay = NOW - 6 * 3_600_000 + day * DAY;
    const created = random() < 0.05 ? null : new Date(NOW - int(400) * DAY - int(86_400) * 1000);
    const prioritized = random() < 0.04;
    const common = {
      objectId: `/calendars/room/${uid}.ics`,
      uid,
      name: NAMES[objectNo % NAMES.length] ?? 'Meeting',
      created,
      dtstamp: created,
      masterCancelled: false,
      transparent: random() < 0.02,
      description: prioritized ? `Agenda ${TOKENS[objectNo % TOKENS.length] ?? ''}` : 'Agenda attached',
      organizer: `${ORGANIZERS[objectNo % ORGANIZERS.length] ?? 'someone'}@my-awesome.org`,
      prioritizedFlag: random() < 0.01,
    };
    if (kind < 0.45) {
      // A series: weekly (or daily for a quarter of them), 30–120 min during office hours.
      const step = random() < 0.25 ? DAY : 7 * DAY;
      const count = 4 + int(30);
      const start0 = startOfDay + (7 + int(10)) * 3_600_000 + int(4) * 15 * MINUTE;
      const length = (2 + int(7)) * 15 * MINUTE;
      const roomPartstat = random() < 0.7 ? 'ACCEPTED' : null;
      const masterCancelled = random() < 0.02;
      for (let i = 0; i < count && out.length < size; i++) {
        const start = start0 + i * step;
        out.push({
          ...common,
          masterCancelled,
          recurrenceId: new Date(start).toISOString(),
          isRecurring: true,
          start: new Date(start),
          end: new Date(start + length),
          status: random() < 0.03 ? 'CANCELLED' : 'CONFIRMED',
          roomPartstat: random() < 0.03 ? 'DECLINED' : roomPartstat,
        });
      }
    } else {
      // A one-off booking; a few are all-day or multi-day blocks.
      const allDay = random() < 0.03;
      const start = allDay ? startOfDay : startOfDay + (7 + int(11)) * 3_600_000 + int(4) * 15 * MINUTE;
      const length = allDay ? (1 + int(4)) * DAY : (2 + int(11)) * 15 * MINUTE;
      out.push({
        ...common,
        recurrenceId: null,
        isRecurring: false,
        start: new Date(start),
        end: new Date(start + length),
        status: random() < 0.04 ? 'CANCELLED' : random() < 0.1 ? 'TENTATIVE' : 'CONFIRMED',
        roomPartstat: random() < 0.5 ? 'ACCEPTED' : null,
      });
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Prints one line per calendar size: median planning time over several runs and throughput. */
export async function run(): Promise<void> {
  const now = new Date(NOW);
  // Warm up the JIT so the first size is not penalised.
  planClearing({ occurrences: generate(2_000, 1), priorityTokens: TOKENS, now });
  for (const size of [1_000, 10_000, 50_000]) {
    const occurrences = generate(size, 42);
    const times: number[] = [];
    let plan = planClearing({ occurrences, priorityTokens: TOKENS, now });
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      plan = planClearing({ occurrences, priorityTokens: TOKENS, now });
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    console.log(
      `planClearing ${String(size).padStart(6)} occurrences: median ${ms.toFixed(1).padStart(7)} ms ` +
        `(${RUNS} runs), ${Math.round((size / ms) * 1000).toLocaleString('en-US')} occurrences/s; ` +
        `${plan.losers.length} losers, ${plan.ignored.length} ignored, ${plan.deletedCancelled.length} cancelled objects`,
    );
  }
}
