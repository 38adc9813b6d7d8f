import type { Occurrence } from '../src/index.js';
import { seededRandom } from '@roombook/testing';

/** Monday 2025-07-14 00:00 Europe/Berlin (start of the clearing window): the instant the clears in these tests run at. */
export const NOW = new Date('2025-07-13T22:00:00.000Z');

/** The priority token of the tests' calendar (the board's bookings carry it in DESCRIPTION). */
export const TOKEN = '#board';

type Fields = Partial<Occurrence> & Pick<Occurrence, 'uid' | 'name' | 'start' | 'end'>;

function base(fields: Fields): Occurrence {
  return {
    objectId: `/calendars/meeting-room-1/${fields.uid}.ics`,
    recurrenceId: null,
    isRecurring: false,
    created: null,
    dtstamp: null,
    status: 'CONFIRMED',
    masterCancelled: false,
    roomPartstat: null,
    transparent: false,
    description: null,
    organizer: null,
    ...fields,
  };
}

/** A non-recurring booking. Times are ISO strings for readability. */
export function single(
  uid: string,
  name: string,
  start: string,
  end: string,
  created: string | null,
  extra: Partial<Occurrence> = {},
): Occurrence {
  return base({
    uid,
    name,
    start: new Date(start),
    end: new Date(end),
    created: created === null ? null : new Date(created),
    ...extra,
  });
}

/** One occurrence of a series; its RECURRENCE-ID is its start (no override moved it). */
export function occurrence(
  uid: string,
  name: string,
  start: string,
  end: string,
  created: string | null,
  extra: Partial<Occurrence> = {},
): Occurrence {
  return single(uid, name, start, end, created, { isRecurring: true, recurrenceId: new Date(start).toISOString(), ...extra });
}

/** `count` weekly occurrences of a series, starting at `firstStart`, each `minutes` long. */
export function weekly(
  uid: string,
  name: string,
  firstStart: string,
  minutes: number,
  count: number,
  created: string,
  extra: Partial<Occurrence> = {},
): Occurrence[] {
  const first = new Date(firstStart).getTime();
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(first + i * 7 * 86_400_000);
    const end = new Date(start.getTime() + minutes * 60_000);
    return occurrence(uid, name, start.toISOString(), end.toISOString(), created, extra);
  });
}


/** Fisher–Yates shuffle with a seeded PRNG; returns a new array. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = a;
  }
  return copy;
}
