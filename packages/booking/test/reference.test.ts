import { describe, expect, it } from 'vitest';
import { OverlapIndex, planClearing, type Occurrence } from '../src/index.js';
import { seededRandom } from '@roombook/testing';

import { NOW, TOKEN } from './fixtures.js';

/**
 * Cross-checks the indexed planner against a deliberately naive all-pairs reading of design §5
 * steps 2–4 on random calendars, so the sweep structure cannot drift from the rules.
 */

const HOUR = 3_600_000;

function randomCalendar(seed: number, size: number): Occurrence[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const occurrences: Occurrence[] = [];
  let objectNo = 0;
  while (occurrences.length < size) {
    objectNo++;
    const uid = `uid-${seed}-${objectNo}`;
    const recurring = random() < 0.4;
    const count = recurring ? 1 + Math.floor(random() * 4) : 1;
    // Coarse creation dates produce ties on purpose; some are missing.
    const created = random() < 0.1 ? null : new Date(Date.UTC(2025, 0, 1 + Math.floor(random() * 20)));
    const masterCancelled = recurring && random() < 0.05;
    const roomPartstat = pick([null, 'ACCEPTED', 'NEEDS-ACTION']);
    const firstStart = NOW.getTime() - 6 * HOUR + Math.floor(random() * 96) * (HOUR / 4) * 2;
    for (let i = 0; i < count; i++) {
      const start = firstStart + i * 26 * HOUR;
      const end = start + pick([0, 1, 2, 4, 6]) * (HOUR / 2);
      occurrences.push({
        objectId: `/room/${objectNo}.ics`,
        uid,
        recurrenceId: recurring ? new Date(start).toISOString() : null,
        isRecurring: recurring,
        name: `Booking ${objectNo}`,
        start: new Date(start),
        end: new Date(end),
        created,
        dtstamp: created === null && random() < 0.5 ? new Date(Date.UTC(2025, 1, 1)) : null,
        status: random() < 0.06 ? 'CANCELLED' : pick([null, 'CONFIRMED', 'TENTATIVE'] as const),
        masterCancelled,
        roomPartstat: random() < 0.05 ? 'DECLINED' : roomPartstat,
        transparent: random() < 0.05,
        description: random() < 0.15 ? `agenda ${TOKEN}` : 'agenda',
        organizer: `org${objectNo % 7}@my-awesome.org`,
        prioritizedFlag: random() < 0.03,
      });
    }
  }
  return occurrences;
}

function naivePlan(occurrences: Occurrence[]) {
  const nowMs = NOW.getTime();
  const cancelledObjects = new Set(
    occurrences
      .filter((o) => o.masterCancelled || (!o.isRecurring && o.status === 'CANCELLED'))
      .map((o) => o.objectId)
      .filter((id) => occurrences.some((o) => o.objectId === id && o.end.getTime() > nowMs)),
  );
  const prio = (o: Occurrence) => o.prioritizedFlag === true || (o.description ?? '').includes(TOKEN);
  const booked = (o: Occurrence) => (o.created ?? o.dtstamp)?.getTime() ?? Infinity;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const active = occurrences
    .filter(
      (o) =>
        !cancelledObjects.has(o.objectId) &&
        o.status !== 'CANCELLED' &&
        o.roomPartstat !== 'DECLINED' &&
        !o.transparent &&
        o.end.getTime() > nowMs,
    )
    .sort(
      (a, b) =>
        Number(prio(b)) - Number(prio(a)) ||
        (booked(a) === booked(b) ? 0 : booked(a) < booked(b) ? -1 : 1) ||
        cmp(a.uid, b.uid) ||
        a.start.getTime() - b.start.getTime() ||
        cmp(a.objectId, b.objectId),
    );
  const accepted: Occurrence[] = [];
  const losers: string[] = [];
  const ignored: string[] = [];
  for (const o of active) {
    const hits = accepted.filter((a) => a.uid !== o.uid && a.start < o.end && o.start < a.end);
    if (hits.length === 0 || (prio(o) && hits.every(prio))) {
      accepted.push(o);
      for (const h of hits) ignored.push(`${o.uid}@${o.start.toISOString()} ~ ${h.uid}@${h.start.toISOString()}`);
    } else {
      const action = !o.isRecurring ? 'delete' : o.roomPartstat !== null ? 'decline' : 'cancel';
      const deprioritized = hits.some((h) => prio(h) && !prio(o) && booked(o) < booked(h));
      losers.push(
        `${o.uid}@${o.start.toISOString()} ${action}${deprioritized ? ' deprioritized' : ''} <- ${hits.map((h) => `${h.uid}@${h.start.toISOString()}`).join(',')}`,
      );
    }
  }
  return { deleted: [...cancelledObjects].sort(), losers: losers.sort(), ignored: ignored.sort() };
}

describe('planClearing against a naive all-pairs reference', () => {
  it.each(Array.from({ length: 25 }, (_, i) => i + 1))('agrees on random calendar #%i', (seed) => {
    const occurrences = randomCalendar(seed, 250);
    const p = planClearing({ occurrences, priorityTokens: [TOKEN], now: NOW });
    const at = (o: Occurrence) => `${o.uid}@${o.start.toISOString()}`;
    const actual = {
      deleted: p.deletedCancelled.map((d) => d.objectId).sort(),
      losers: p.losers
        .map(
          (l) =>
            `${at(l.occurrence)} ${l.action}${l.isDeprioritized ? ' deprioritized' : ''} <- ${l.overlapsWith.map(at).join(',')}`,
        )
        .sort(),
      ignored: p.ignored.map((i) => `${at(i.occurrence)} ~ ${at(i.overlapsWith)}`).sort(),
    };
    const expected = naivePlan(occurrences);
    expect(actual).toEqual(expected);
    expect(expected.losers.length).toBeGreaterThan(0);
  });
});

describe('OverlapIndex', () => {
  it('returns exactly the accepted intervals overlapping a query, in start order', () => {
    const random = seededRandom(99);
    const intervals = Array.from({ length: 400 }, () => {
      const start = Math.floor(random() * 1000);
      return { start, end: start + Math.floor(random() * 40) };
    }).sort((a, b) => a.start - b.start);
    const index = new OverlapIndex(Float64Array.from(intervals.map((i) => i.start)));
    const accepted = new Set<number>();
    for (let step = 0; step < 400; step++) {
      const slot = Math.floor(random() * intervals.length);
      const interval = intervals[slot];
      if (interval === undefined) continue;
      if (random() < 0.5 && !accepted.has(slot)) {
        accepted.add(slot);
        index.accept(slot, interval.end);
      }
      const s = Math.floor(random() * 1000);
      const e = s + Math.floor(random() * 30);
      const expected = [...accepted]
        .filter((i) => {
          const other = intervals[i];
          return other !== undefined && other.start < e && s < other.end;
        })
        .sort((a, b) => a - b);
      expect(index.query(s, e)).toEqual(expected);
    }
  });
});
