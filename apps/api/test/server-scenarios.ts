import { readFileSync } from 'node:fs';

import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';

import { ZONE, day, event } from './ics.js';

/**
 * Client-shaped clearing scenarios, written so that the same calendar can be put on any CalDAV server
 * and must give the same report there. The room is in Europe/Berlin. Objects from Thunderbird, Outlook
 * and Apple are the packages/ical fixtures, moved by whole weeks (weekdays stay) into the clearing window.
 */

const FIXTURES = new URL('../../../packages/ical/test/fixtures/', import.meta.url);

export interface ScenarioFile {
  /** Key for the test (and the file name, plus `.ics`). */
  name: string;
  ics: string;
}

/** One item of a report, reduced to what must agree between servers. */
export interface ReportLine {
  uid: string;
  start: string;
  recurrence_id: string | null;
  action: string;
  overlaps_with: string | null;
}

export interface Scenarios {
  files: ScenarioFile[];
  /** What a dry run reports, every list sorted by uid. */
  expected: {
    deleted_cancelled_events: ReportLine[];
    deleted_overlapping_events: ReportLine[];
    cancelled_overlapping_recurring_events: ReportLine[];
    ignored_overlapping_events: ReportLine[];
  };
  /** Files a live clear deletes; every other file stays, except `editedSeries`. */
  deleted: string[];
  /** The series that gets a cancelled override for its lost occurrence, and that occurrence's local date. */
  editedSeries: { name: string; date: string };
}

const THUNDERBIRD_UID = '3f1c6a52-9a77-4d2e-b1b2-0c9f3a1e5d11';
const OUTLOOK_UID = '040000008200E00074C5B7101A82E00800000000D0A1B2C3D4E5DC01000000000000000010000000A1B2C3D4E5F60718293A4B5C6D7E8F90';
const APPLE_UID = '8D3C2A1E-4B5F-4E6A-9C7D-1F2E3A4B5C6D';
const CANCELLED_UID = '0b7e4c1a-2f3d-4e5a-8b9c-d0e1f2a3b4c5';

/** YYYYMMDD plus `days` days (calendar arithmetic, no zone involved). */
function addDays(yyyymmdd: string, days: number): string {
  const date = new Date(Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8) + days));
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

function daysBetween(from: string, to: string): number {
  const utc = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8));
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

/**
 * A fixture with the dates of its VEVENTs (start, end, recurrence ids, exceptions, extra dates, UNTIL)
 * moved by whole weeks so that `anchor` lands on or up to six days after `target`. VTIMEZONE rules,
 * CREATED and DTSTAMP keep their dates: who booked first must not change. Line ends become CRLF.
 */
function movedFixture(file: string, anchor: string, target: string): { ics: string; shift: (d: string) => string } {
  const weeks = Math.ceil(daysBetween(anchor, target) / 7);
  const shift = (d: string) => addDays(d, weeks * 7);
  const text = readFileSync(new URL(file, FIXTURES), 'utf8');
  let inEvent = false;
  const lines = text.split(/\r?\n/).map((line) => {
    if (line === 'BEGIN:VEVENT') inEvent = true;
    if (line === 'END:VEVENT') inEvent = false;
    if (!inEvent || !/^(DTSTART|DTEND|RECURRENCE-ID|EXDATE|RDATE|RRULE)[;:]/.test(line)) return line;
    const colon = line.search(/:(?=[^"]*$)/);
    return line.slice(0, colon) + line.slice(colon).replace(/\b(\d{8})(?=T|\b)/g, (d) => shift(d));
  });
  return { ics: lines.join('\r\n'), shift };
}

/** `2026-12-07T09:00:00+01:00`, the report's form, for a Berlin wall-clock time. */
export function berlin(yyyymmdd: string, hhmm: string): string {
  const instant = fromZonedTime(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}T${hhmm}:00`, ZONE);
  return formatInTimeZone(instant, ZONE, "yyyy-MM-dd'T'HH:mm:ssXXX");
}

const utcStamp = (instant: Date) => `${instant.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
const reportTime = (instant: Date) => formatInTimeZone(instant, ZONE, "yyyy-MM-dd'T'HH:mm:ssXXX");

/** The first Berlin day (1..365 days ahead) whose UTC offset differs from the day before's: a DST switch. */
function nextTransition(): string {
  const offsetAt = (offset: number) => formatInTimeZone(fromZonedTime(`${iso(day(offset))}T12:00:00`, ZONE), ZONE, 'xxx');
  for (let offset = 1; offset <= 365; offset++) if (offsetAt(offset) !== offsetAt(offset - 1)) return day(offset);
  throw new Error(`no DST switch in ${ZONE} within a year`);
}

const iso = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`;

/** A single event booked straight into the room at UTC instants (as an API booking is stored). */
function utcEvent(uid: string, summary: string, start: Date, end: Date, created: string): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//server scenarios//EN', 'BEGIN:VEVENT',
    `UID:${uid}`, `CREATED:${created}`, `DTSTAMP:${created}`, `SUMMARY:${summary}`,
    `DTSTART:${utcStamp(start)}`, `DTEND:${utcStamp(end)}`, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

/**
 * The scenarios, for a calendar whose priority token is `token`. Days are picked so that no two
 * scenarios overlap each other: Thunderbird Mondays 09–10, Outlook Tue/Thu 14–15 for seven weeks
 * from ~day 3, DST Sundays 09–10, the evening slots 18–20 on days 40/45, Apple's two days from ~day 80.
 */
export function serverScenarios(token: string): Scenarios {
  const files: ScenarioFile[] = [];
  const add = (name: string, ics: string) => files.push({ name, ics });

  // Thunderbird: a weekly series that started before the window (Xandikos misses it in a time-range
  // query) with an EXDATE; its third week clashes with an earlier booking, its EXDATE'd week does not.
  const tb = movedFixture('thunderbird-weekly.ics', '20260316', day(7));
  add('thunderbird', tb.ics);
  const exdate = tb.shift('20260316');
  const clash = tb.shift('20260323');
  add('exdate-slot', event({ uid: 'exdate-slot', summary: 'In the skipped week', date: exdate, from: '0900', to: '1000', created: '20260901T080000Z' }));
  add('board', event({ uid: 'board', summary: 'Board', date: clash, from: '0930', to: '1030', created: '20260101T080000Z' }));

  // Outlook: Tue/Thu series in "W. Europe Standard Time" (VTIMEZONE shipped, as Outlook does), one
  // Thursday moved to Friday 10:00–11:30, one Tuesday cancelled. Only the moved slot blocks.
  const ol = movedFixture('outlook-series.ics', '20260312', day(10));
  add('outlook', ol.ics);
  const moved = ol.shift('20260313');
  add('outlook-clash', event({ uid: 'outlook-clash', summary: 'Into the moved slot', date: moved, from: '1030', to: '1100', created: '20260901T080000Z' }));
  add('outlook-old-slot', event({ uid: 'outlook-old-slot', summary: 'Where it was', date: ol.shift('20260312'), from: '1400', to: '1500', created: '20260901T080000Z' }));
  add('outlook-cancelled-slot', event({ uid: 'outlook-cancelled-slot', summary: 'Where it was cancelled', date: ol.shift('20260317'), from: '1400', to: '1500', created: '20260901T080000Z' }));

  // Apple: an all-day event (floating dates: the room's days) blocks a timed booking made later.
  const apple = movedFixture('apple-allday.ics', '20260310', day(80));
  add('apple', apple.ics);
  const appleDay = apple.shift('20260310');
  add('apple-clash', event({ uid: 'apple-clash', summary: 'During the offsite', date: appleDay, from: '1000', to: '1100', created: '20260901T080000Z' }));

  // DST: a weekly 09:00 Berlin series across the next switch. The clash exists only at the right
  // offset; a booking at the instant a fixed pre-switch offset would give overlaps nothing.
  const transition = nextTransition();
  const seriesStart = addDays(transition, -14);
  add('dst-series', event({ uid: 'dst-series', summary: 'Across the switch', date: seriesStart, from: '0900', to: '1000', created: '20260101T080000Z', extra: ['RRULE:FREQ=WEEKLY;COUNT=6'] }));
  const afterSwitch = addDays(transition, 7);
  const right = fromZonedTime(`${iso(afterSwitch)}T09:00:00`, ZONE);
  const offsetMinutes = (yyyymmdd: string) => {
    const [sign, hh, mm] = /([+-])(\d\d):(\d\d)/.exec(formatInTimeZone(fromZonedTime(`${iso(yyyymmdd)}T12:00:00`, ZONE), ZONE, 'xxx'))!.slice(1);
    return (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
  };
  const wrong = new Date(right.getTime() + (offsetMinutes(afterSwitch) - offsetMinutes(seriesStart)) * 60_000);
  const minutes = (instant: Date, m: number) => new Date(instant.getTime() + m * 60_000);
  add('dst-clash', utcEvent('dst-clash', 'Right after the switch', minutes(right, 15), minutes(right, 45), '20260901T080000Z'));
  add('dst-control', utcEvent('dst-control', 'Where a stale offset would put it', minutes(wrong, 15), minutes(wrong, 45), '20260901T080000Z'));

  // A cancelled leftover (no VTIMEZONE, as SabreDAV-based servers store it) is deleted; a transparent
  // event blocks nothing, so the booking on top of it stays, and so does it.
  add('cancelled', movedFixture('cancelled-leftover.ics', '20260306', day(100)).ics);
  const cancelledDay = addDays('20260306', Math.ceil(daysBetween('20260306', day(100)) / 7) * 7);
  const transparent = movedFixture('transparent.ics', '20260306', day(110));
  add('transparent', transparent.ics);
  add('on-transparent', event({ uid: 'on-transparent', summary: 'While the cleaners are in', date: transparent.shift('20260306'), from: '0700', to: '0900', created: '20260901T080000Z' }));

  // A priority token: the later, prioritized booking keeps the room; the earlier one is deprioritized.
  const prioDay = day(40);
  add('prio-early', event({ uid: 'prio-early', summary: 'Team dinner', date: prioDay, from: '1800', to: '1900', created: '20260101T080000Z' }));
  add('prio-board', event({ uid: 'prio-board', summary: 'Board (prioritized)', date: prioDay, from: '1830', to: '1930', created: '20260701T080000Z', extra: [`DESCRIPTION:priority ${token}`] }));

  // RDATE: an object that began a month ago with one extra date in the window (SabreDAV 1.8's
  // time-range query misses it).
  const rdateDay = day(45);
  add('rdate-series', event({ uid: 'rdate-series', summary: 'Extra session', date: day(-30), from: '1800', to: '1900', created: '20260101T080000Z', extra: [`RDATE;TZID=${ZONE}:${rdateDay}T180000`] }));
  add('rdate-clash', event({ uid: 'rdate-clash', summary: 'Evening talk', date: rdateDay, from: '1830', to: '1930', created: '20260901T080000Z' }));

  // The past: every object of the calendar is fetched now, history included, and none of it may be
  // touched — a cancelled event and an overlapping pair from last month stay as they are.
  add('past-cancelled', event({ uid: 'past-cancelled', summary: 'Called off last month', date: day(-30), from: '1000', to: '1100', created: '20260101T080000Z', extra: ['STATUS:CANCELLED'] }));
  add('past-first', event({ uid: 'past-first', summary: 'Held last month', date: day(-20), from: '1000', to: '1100', created: '20260101T080000Z' }));
  add('past-second', event({ uid: 'past-second', summary: 'Double-booked last month', date: day(-20), from: '1030', to: '1130', created: '20260901T080000Z' }));

  const line = (uid: string, start: string, action: string, overlaps: string | null, recurrenceId: string | null = null): ReportLine => ({
    uid, start, recurrence_id: recurrenceId, action, overlaps_with: overlaps,
  });
  return {
    files,
    expected: {
      deleted_cancelled_events: [line(CANCELLED_UID, berlin(cancelledDay, '11:00'), 'deleted', null)],
      deleted_overlapping_events: [
        line('apple-clash', berlin(appleDay, '10:00'), 'deleted', APPLE_UID),
        line('dst-clash', reportTime(minutes(right, 15)), 'deleted', 'dst-series'),
        line('outlook-clash', berlin(moved, '10:30'), 'deleted', OUTLOOK_UID),
        line('prio-early', berlin(prioDay, '18:00'), 'deleted', 'prio-board'),
        line('rdate-clash', berlin(rdateDay, '18:30'), 'deleted', 'rdate-series'),
      ],
      cancelled_overlapping_recurring_events: [line(THUNDERBIRD_UID, berlin(clash, '09:00'), 'cancelled', 'board', fromZonedTime(`${iso(clash)}T09:00:00`, ZONE).toISOString())],
      ignored_overlapping_events: [],
    },
    deleted: ['cancelled', 'apple-clash', 'dst-clash', 'outlook-clash', 'prio-early', 'rdate-clash'],
    editedSeries: { name: 'thunderbird', date: clash },
  };
}

/** Report items reduced to ReportLines, sorted by uid. */
export function reportLines(items: { event: { uid: string; start: string }; recurrence_id: string | null; action: string; overlaps_with: { uid: string } | null }[]): ReportLine[] {
  return items
    .map((i) => ({ uid: i.event.uid, start: i.event.start, recurrence_id: i.recurrence_id, action: i.action, overlaps_with: i.overlaps_with?.uid ?? null }))
    .sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

