/**
 * Rooms in the zones issue 8 names, each with bookings whose overlaps exist only under the current
 * zone rules: a booking made through the API (naive times in the room's zone, written with a
 * VTIMEZONE generated from the runtime's rules) against objects other clients wrote with only a
 * TZID — IANA name, deprecated alias or Windows name, no VTIMEZONE — or in UTC. Under 2018's tables
 * (tzdata 2018g) Sao Paulo and Mexico City still had summer time and Europe/Kyiv did not exist, so
 * there those pairs only touched, or the clear failed. Server-agnostic data: zones.test.ts runs it
 * against Radicale; a server matrix can run the same list elsewhere.
 */

export interface ZoneScenario {
  /** The room's zone (the calendar's `--timezone`). */
  zone: string;
  /** Bookings made through the API, naive `start`/`end` (read in the room's zone). */
  bookings: { key: string; name: string; start: string; end: string }[];
  /** Objects as other clients PUT them. */
  objects: { key: string; file: string; ics: string }[];
  /** Keys (bookings or objects) a clear deletes as losers of an overlap; everything else stays byte for byte. */
  deleted: string[];
  /** Keys of objects the clear reports in unreadable_objects (and leaves alone). */
  unreadable: string[];
  /** Keys of objects the clear reports in truncated_series. */
  truncated: string[];
}

const DAY = 86_400_000;

/**
 * The next `month`/`day` (YYYYMMDD) at least two days ahead and inside every clear's 365-day window.
 * In the days before `month`/`day`, next year's is more than 365 days ahead: then a week after this
 * year's, the same season (the scenarios pick their dates for the zone rules of the season).
 */
export function nextDate(month: number, day: number, now = new Date()): string {
  const at = (year: number, laterDays = 0) => Date.UTC(year, month - 1, day + laterDays);
  const year = now.getUTCFullYear();
  let when = at(year);
  if (when < now.getTime() + 2 * DAY) when = at(year + 1) <= now.getTime() + 360 * DAY ? at(year + 1) : at(year, 7);
  return new Date(when).toISOString().slice(0, 10).replace(/-/g, '');
}

/** YYYYMMDD shifted by whole days. */
function shift(date: string, days: number): string {
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))) + days * DAY;
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

/** 'YYYY-MM-DD' of YYYYMMDD, for API request times. */
const dashed = (date: string) => `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;

interface ClientEvent {
  uid: string;
  summary: string;
  /** TZID for local times; absent = UTC times. */
  tzid?: string;
  date: string;
  /** HHMM */
  from: string;
  to: string;
  created: string;
  extra?: string[];
}

/** An object as a client writes it: local times with a TZID and no VTIMEZONE, or UTC times. */
export function clientEvent(e: ClientEvent): string {
  const time = (hhmm: string) => (e.tzid ? `;TZID=${e.tzid.includes(' ') ? `"${e.tzid}"` : e.tzid}:${e.date}T${hhmm}00` : `:${e.date}T${hhmm}00Z`);
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roombook//zone scenarios//EN',
    'BEGIN:VEVENT', `UID:${e.uid}`, `CREATED:${e.created}`, `DTSTAMP:${e.created}`, `SUMMARY:${e.summary}`,
    `DTSTART${time(e.from)}`, `DTEND${time(e.to)}`, ...(e.extra ?? []),
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

function object(key: string, e: ClientEvent): ZoneScenario['objects'][number] {
  return { key, file: `${e.uid}.ics`, ics: clientEvent(e) };
}

/** The scenarios, with dates computed from `now` (UIDs made unique by `tag`, so runs never collide). */
export function zoneScenarios(tag: string, now = new Date()): ZoneScenario[] {
  const uid = (name: string) => `${name}-${tag}`;
  const earlier = '20260101T080000Z';
  const later = '20260201T080000Z';

  // Sao Paulo, December: -03 now; 2018's tables said -02 (summer time), which put the TZID-only
  // event an hour earlier, touching the booking instead of overlapping it.
  const saoPaulo = nextDate(12, 10, now);
  // Mexico City, July: -06 now; 2018's tables said -05.
  const mexico = nextDate(7, 10, now);
  // Kyiv: the name is newer than 2018's tables; Outlook writes the Windows name.
  const kyiv = nextDate(3, 12, now);
  // Lord Howe: +11 in the southern summer, +10:30 in winter (a half-hour DST).
  const lordHoweSummer = nextDate(12, 15, now);
  const lordHoweWinter = nextDate(7, 15, now);
  // Kathmandu: +05:45 all year.
  const kathmandu = nextDate(5, 5, now);
  // A runaway rule: every minute from 40 days ago, more than the guard's 50,000 before today.
  const runawayStart = new Date(now.getTime() - 40 * DAY).toISOString().slice(0, 10).replace(/-/g, '');

  return [
    {
      zone: 'America/Sao_Paulo',
      bookings: [{ key: 'booked', name: 'Budget review', start: `${dashed(saoPaulo)}T10:00`, end: `${dashed(saoPaulo)}T11:00` }],
      objects: [object('tzid-only', { uid: uid('sp-thunderbird'), summary: 'Sprint review', tzid: 'America/Sao_Paulo', date: saoPaulo, from: '1000', to: '1100', created: earlier })],
      deleted: ['booked'],
      unreadable: [],
      truncated: [],
    },
    {
      zone: 'America/Mexico_City',
      bookings: [{ key: 'booked', name: 'Quarterly', start: `${dashed(mexico)}T10:00`, end: `${dashed(mexico)}T11:00` }],
      objects: [object('tzid-only', { uid: uid('mx-client'), summary: 'Hiring panel', tzid: 'America/Mexico_City', date: mexico, from: '1000', to: '1100', created: earlier })],
      deleted: ['booked'],
      unreadable: [],
      truncated: [],
    },
    {
      zone: 'Europe/Kyiv',
      bookings: [{ key: 'booked', name: 'Standup', start: `${dashed(kyiv)}T10:00`, end: `${dashed(kyiv)}T11:00` }],
      objects: [
        object('outlook', { uid: uid('kyiv-outlook'), summary: 'Vendor call', tzid: 'FLE Standard Time', date: kyiv, from: '1030', to: '1130', created: earlier }),
        object('kiev', { uid: uid('kyiv-alias'), summary: 'Lunch talk', tzid: 'Europe/Kiev', date: kyiv, from: '1200', to: '1300', created: earlier }),
        object('kyiv', { uid: uid('kyiv-new-name'), summary: 'Retro', tzid: 'Europe/Kyiv', date: kyiv, from: '1230', to: '1330', created: later }),
      ],
      deleted: ['booked', 'kyiv'],
      unreadable: [],
      truncated: [],
    },
    {
      zone: 'Australia/Lord_Howe',
      bookings: [],
      objects: [
        // summer: 10:00 local = 23:00Z the day before
        object('summer-local', { uid: uid('lh-summer'), summary: 'Island council', tzid: 'Australia/Lord_Howe', date: lordHoweSummer, from: '1000', to: '1100', created: earlier }),
        object('summer-utc', { uid: uid('lh-summer-utc'), summary: 'Remote call', date: shift(lordHoweSummer, -1), from: '2300', to: '2330', created: later }),
        // winter: 10:00 local = 23:30Z the day before; 23:00–23:30Z only touches it
        object('winter-local', { uid: uid('lh-winter'), summary: 'Island council', tzid: 'Australia/Lord_Howe', date: lordHoweWinter, from: '1000', to: '1100', created: earlier }),
        object('winter-touching', { uid: uid('lh-winter-touch'), summary: 'Remote call', date: shift(lordHoweWinter, -1), from: '2300', to: '2330', created: later }),
        object('winter-utc', { uid: uid('lh-winter-utc'), summary: 'Late call', date: shift(lordHoweWinter, -1), from: '2315', to: '2345', created: later }),
        object('runaway', { uid: uid('lh-runaway'), summary: 'Sensor ping', date: runawayStart, from: '0000', to: '0001', created: earlier, extra: ['RRULE:FREQ=MINUTELY;COUNT=100000', 'TRANSP:TRANSPARENT'] }),
      ],
      deleted: ['summer-utc', 'winter-utc'],
      unreadable: [],
      truncated: ['runaway'],
    },
    {
      zone: 'Asia/Kathmandu',
      bookings: [],
      objects: [
        // 10:00 local = 04:15Z: the quarter hour before it only touches, the one after overlaps
        object('local', { uid: uid('ktm-local'), summary: 'Trek briefing', tzid: 'Asia/Kathmandu', date: kathmandu, from: '1000', to: '1100', created: earlier }),
        object('utc-overlapping', { uid: uid('ktm-utc'), summary: 'Call with Berlin', date: kathmandu, from: '0415', to: '0430', created: later }),
        object('utc-touching', { uid: uid('ktm-utc-touch'), summary: 'Call with London', date: kathmandu, from: '0400', to: '0415', created: later }),
        // a zone name nobody knows, and no VTIMEZONE: never guessed, left alone
        object('unknown-zone', { uid: uid('ktm-unknown'), summary: 'Custom zone', tzid: 'Office Time', date: kathmandu, from: '1000', to: '1100', created: later }),
      ],
      deleted: ['utc-overlapping'],
      unreadable: ['unknown-zone'],
      truncated: [],
    },
  ];
}
