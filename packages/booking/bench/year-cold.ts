/**
 * One cold run of the busy year (see year.bench.ts), meant to be the first thing a fresh process
 * does: `node --import tsx year-cold.ts [full|parse]`. `full` expands every object with
 * @roombook/ical's expandObject and plans the year with planClearing; `parse` (the anchor) only has
 * ical.js parse the same texts — the floor of any expansion built on it. Both packages are imported
 * by name, so their built dist/ runs (not tsx-compiled sources). Prints one JSON line: CPU (user +
 * system) and wall time of each part, counts, and a fingerprint of occurrences and plan.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { planClearing, type Occurrence } from '@roombook/booking';
import { expandObject } from '@roombook/ical';
import ICAL from 'ical.js';

import { YEAR_WINDOW, YEAR_ZONE, YEAR_ROOM, busyYear } from '@roombook/testing';

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const objects = busyYear();

if (process.argv[2] === 'parse') {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let components = 0;
  for (const ics of objects) components += (ICAL.parse(ics) as unknown[]).length > 0 ? 1 : 0;
  console.log(JSON.stringify({ objects: components, cpu: cpuMs(cpu0), wall: performance.now() - t0 }));
} else {
  const options = { from: YEAR_WINDOW.from, to: YEAR_WINDOW.to, defaultTimeZone: YEAR_ZONE, roomAddresses: [YEAR_ROOM] };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const occurrences: Occurrence[] = [];
  objects.forEach((ics, i) => {
    // The planner's occurrence, as the worker's store makes it (apps/worker/src/clearing/occurrences.ts):
    // one href string per object, shared by its occurrences.
    const objectId = `/rooms/bench/${i}.ics`;
    for (const o of expandObject(ics, options)) {
      occurrences.push({
        objectId,
        uid: o.uid,
        recurrenceId: o.recurrenceId,
        isRecurring: o.isRecurring || o.recurrenceId !== null,
        name: o.summary,
        start: o.start,
        end: o.end,
        created: o.created,
        dtstamp: o.dtstamp,
        status: o.status,
        masterCancelled: o.masterCancelled,
        roomPartstat: o.roomPartstat,
        transparent: o.transparent,
        description: o.description,
        organizer: o.organizer,
        prioritizedFlag: false,
      });
    }
  });
  const expandCpu = cpuMs(cpu0);
  const expandWall = performance.now() - t0;
  const plan = planClearing({ occurrences, priorityTokens: [], now: YEAR_WINDOW.from, timeZone: YEAR_ZONE });
  const cpu = cpuMs(cpu0);
  const wall = performance.now() - t0;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(occurrences))
    .update(JSON.stringify(plan.losers.map((l) => [l.occurrence.objectId, l.occurrence.recurrenceId, l.action, l.reason])))
    .update(JSON.stringify(plan.deletedCancelled.map((d) => d.objectId)))
    .digest('hex')
    .slice(0, 16);
  console.log(
    JSON.stringify({ occurrences: occurrences.length, losers: plan.losers.length, expandCpu, expandWall, cpu, wall, fingerprint }),
  );
}
