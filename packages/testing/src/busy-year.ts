/**
 * The busy room year (issue 9), generated for the benches (booking's `year`, the worker's
 * `clear-store`):
 * 8,500 Thunderbird-style objects with the Europe/Berlin VTIMEZONE of @roombook/ical's fixtures and
 * the room as ATTENDEE — 88 % one-off bookings over office hours (a few cancelled, declined or
 * transparent), 12 % weekly series of 4–14 meetings — heavily overbooked, from a fixed seed. By
 * default the year starts on a fixed day, so the occurrences (and the year bench's fingerprint) do
 * not change with the date a bench runs on; a bench that clears through the worker, whose window
 * starts today, passes today.
 */
import { readFileSync } from 'node:fs';

import { seededRandom } from './random.js';

const DAY_MS = 86_400_000;
const NAMES = ['Team Weekly', 'Finance Monthly', 'Job Interview', 'Design Review', 'Sales Sync', 'Works Council'];

export const YEAR_OBJECTS = 8_500;
export const YEAR_ZONE = 'Europe/Berlin';
export const YEAR_ROOM = 'room-spree@example.org';
/** Midnight UTC of the year's first day; the window is this day + 365 days + the store's 7 days' slack. */
export const YEAR_DAY0 = new Date('2026-12-07T00:00:00Z');
export const YEAR_WINDOW = { from: YEAR_DAY0, to: new Date(YEAR_DAY0.getTime() + 372 * DAY_MS) };

/** Wall-clock 'YYYYMMDDTHHMMSS' of a day offset and minutes after midnight (the zone's rules apply on reading). */
function local(day0: Date, day: number, minutes: number): string {
  const d = new Date(day0.getTime() + day * DAY_MS + minutes * 60_000);
  return d.toISOString().slice(0, 19).replace(/[-:]/g, '');
}

export function busyYear(size: number = YEAR_OBJECTS, day0: Date = YEAR_DAY0): string[] {
  // The same path from src/ and dist/: both sit one folder below the package.
  const fixture = readFileSync(new URL('../../ical/test/fixtures/thunderbird-weekly.ics', import.meta.url), 'utf8');
  const vtimezone = (/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r?\n/.exec(fixture)?.[0] ?? '').replace(/\r?\n/g, '\r\n');
  const random = seededRandom(42);
  const int = (n: number) => Math.floor(random() * n);
  const objects: string[] = [];
  for (let n = 0; n < size; n++) {
    const day = int(365);
    const from = (7 + int(11)) * 60 + int(4) * 15;
    const length = (2 + int(10)) * 15;
    const series = random() < 0.12;
    const flavour = random();
    const partstat = flavour < 0.02 ? 'DECLINED' : 'ACCEPTED';
    const lines = [
      'BEGIN:VCALENDAR', 'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN', 'VERSION:2.0', vtimezone.trimEnd(), 'BEGIN:VEVENT',
      `CREATED:${local(new Date(day0.getTime() - 200 * DAY_MS), int(200), int(1440))}Z`, 'DTSTAMP:20260215T083000Z', `UID:bench-${n}@example.org`,
      `SUMMARY:${NAMES[n % NAMES.length] ?? ''}`, `ORGANIZER;CN=Organizer ${n % 40}:mailto:organizer-${n % 40}@example.org`,
      `ATTENDEE;CN=Raum Spree;PARTSTAT=${partstat};CUTYPE=ROOM:mailto:${YEAR_ROOM}`,
      `DTSTART;TZID=Europe/Berlin:${local(day0, day, from)}`, `DTEND;TZID=Europe/Berlin:${local(day0, day, from + length)}`,
      ...(series ? [`RRULE:FREQ=WEEKLY;COUNT=${4 + int(11)}`] : []),
      ...(flavour > 0.97 ? ['STATUS:CANCELLED'] : []), `TRANSP:${flavour > 0.02 && flavour < 0.04 ? 'TRANSPARENT' : 'OPAQUE'}`,
      'DESCRIPTION:Agenda in the team wiki.', 'END:VEVENT', 'END:VCALENDAR', '',
    ];
    objects.push(lines.join('\r\n'));
  }
  return objects;
}
