/**
 * What fetching a room calendar for a clear costs, against a private Radicale on loopback: 1,700
 * objects (1,300 singles in the year ahead, 100 weekly series — a third of them started before the
 * window — and 300 singles from the past year).
 *
 * Prints, as the median of 5 runs:
 * - anchor: one time-range calendar-query REPORT with calendar-data, how a clear fetched before
 *   (it misses series on Xandikos and RDATEs on SabreDAV, which evaluate recurrences wrongly);
 * - rejected design: the time range plus prop-filter REPORTs for RRULE and RDATE (ETags only),
 *   which Radicale answers by parsing every object;
 * - fetchObjects: every VEVENT object with its data, one REPORT — what a clear pays now;
 * - listObjects: the same as hrefs + ETags only — what a clear with an ETag cache (issue 9) would pay
 *   for an unchanged calendar; fetchObjectsAt: multiget of all of them (250 per REPORT).
 */
import { performance } from 'node:perf_hooks';

import { basicAuth, makeCalendar, seededRandom, startRadicale, uniqueName } from '@roombook/testing';

import { createCalDavClient } from '../src/index.js';

const DAY_MS = 86_400_000;
const RUNS = 5;
const FROM = new Date(Date.UTC(2030, 0, 7));
const TO = new Date(FROM.getTime() + 365 * DAY_MS);

const stamp = (date: Date) => `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

function vevent(uid: string, start: Date, minutes: number, extra: string[] = []): string {
  return [
    'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20290101T000000Z', `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(new Date(start.getTime() + minutes * 60_000))}`, `SUMMARY:${uid}`, ...extra, 'END:VEVENT',
  ].join('\r\n');
}

function calendar(): string {
  const random = seededRandom(8);
  const events: string[] = [];
  const hourIn = (from: Date, days: number) => new Date(from.getTime() + Math.floor(random() * days) * DAY_MS + (8 + Math.floor(random() * 9)) * 3_600_000);
  for (let i = 0; i < 1_300; i++) events.push(vevent(`single-${i}`, hourIn(FROM, 365), 60));
  for (let i = 0; i < 300; i++) events.push(vevent(`past-${i}`, hourIn(new Date(FROM.getTime() - 365 * DAY_MS), 365), 60));
  for (let i = 0; i < 100; i++) {
    const before = i % 3 === 0;
    events.push(vevent(`series-${i}`, hourIn(new Date(FROM.getTime() - (before ? 400 : 0) * DAY_MS), 300), 30, ['RRULE:FREQ=WEEKLY;COUNT=60']));
  }
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roombook//bench//EN\r\n${events.join('\r\n')}\r\nEND:VCALENDAR\r\n`;
}

async function median(label: string, fn: () => Promise<number>): Promise<void> {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    count = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} ${times[Math.floor(RUNS / 2)]!.toFixed(0).padStart(6)} ms  (${count} objects)`);
}

export async function run(): Promise<void> {
  const radicale = await startRadicale();
  try {
    const user = radicale.users[0]!;
    const url = await makeCalendar(radicale.url, user, uniqueName('bench'));
    // Radicale stores a VCALENDAR PUT onto the collection as one object per UID.
    const upload = await fetch(url, { method: 'PUT', headers: { authorization: basicAuth(user), 'content-type': 'text/calendar' }, body: calendar() });
    if (!upload.ok) throw new Error(`upload -> ${upload.status}`);
    const client = createCalDavClient({ url, username: user.username, password: user.password });

    const anchorBody =
      '<?xml version="1.0" encoding="utf-8"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">' +
      '<d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">' +
      `<c:time-range start="${stamp(FROM)}" end="${stamp(TO)}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
    const report = async (body: string) => {
      const response = await fetch(url, { method: 'REPORT', headers: { authorization: basicAuth(user), depth: '1', 'content-type': 'application/xml' }, body });
      return ((await response.text()).match(/<[a-z0-9:]*response>/gi) ?? []).length;
    };
    const etagQuery = (filter: string) =>
      '<?xml version="1.0" encoding="utf-8"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">' +
      `<d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">${filter}</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
    await median('anchor: one time-range REPORT with data', () => report(anchorBody));
    await median('rejected: time range + RRULE + RDATE listings', async () =>
      (await report(etagQuery(`<c:time-range start="${stamp(FROM)}" end="${stamp(TO)}"/>`))) +
      (await report(etagQuery('<c:prop-filter name="RRULE"/>'))) +
      (await report(etagQuery('<c:prop-filter name="RDATE"/>'))));
    await median('fetchObjects (all VEVENTs, one REPORT)', async () => (await client.fetchObjects()).length);
    await median('listObjects (all VEVENTs, ETags only)', async () => (await client.listObjects()).length);
    const hrefs = (await client.listObjects()).map((v) => v.href);
    await median('fetchObjectsAt (multiget of all)', async () => (await client.fetchObjectsAt(hrefs)).length);
  } finally {
    await radicale.stop();
  }
}
