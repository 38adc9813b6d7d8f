import { daysInMonth, findTransitions, offsetSecondsAt, type Transition } from '@roombook/zones';

/**
 * VTIMEZONE components generated from the runtime's zone rules (@roombook/zones).
 *
 * Hand-written because no maintained package does this from current data: the npm VTIMEZONE
 * packages (@touch4it/ical-timezones, timezones-ical-library, icalzone) ship tables compiled at
 * their release — the cause of issue 8 — while ICU inside Node.js is updated with every release.
 * Intl gives only the offset at an instant, so the transitions are found by probing (findTransitions
 * of @roombook/zones) and then written as observances: a transition that recurs every year on the
 * same rule ("last Sunday of March, 02:00") becomes one STANDARD/DAYLIGHT with an RRULE, which goes
 * on past the generated range as long as the zone keeps that rule; anything irregular (Morocco's
 * Ramadan changes, one-off changes of a zone's offset) becomes a plain observance per transition.
 */

/** The span a VTIMEZONE must describe exactly (ms). Before `from` readers have no rule at all. */
export interface ZoneRange {
  from: number;
  to: number;
}

const YEAR_MS = 366 * 86_400_000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Wall-clock fields of `ms` shifted by `offset` seconds, as iCalendar's local DATE-TIME. */
function localText(ms: number, offset: number): string {
  const d = new Date(ms + offset * 1000);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

function utcText(ms: number): string {
  return `${localText(ms, 0)}Z`;
}

/** UTC-OFFSET value: ±HHMM, ±HHMMSS when it has seconds (RFC 5545 §3.3.14). */
function offsetText(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const text = `${sign}${pad(Math.floor(abs / 3600))}${pad(Math.floor((abs % 3600) / 60))}`;
  return abs % 60 === 0 ? text : `${text}${pad(abs % 60)}`;
}

type Kind = 'STANDARD' | 'DAYLIGHT';

/** A transition as an observance's onset: where on the wall clock (before the change) it happens. */
interface Onset extends Transition {
  kind: Kind;
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** 'HHMMSS' of the local onset. */
  clock: string;
}

function onsetOf(transition: Transition, kind: Kind): Onset {
  const d = new Date(transition.at + transition.from * 1000);
  return {
    ...transition,
    kind,
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    clock: localText(transition.at, transition.from).slice(9),
  };
}

/**
 * The yearly rules (RRULE parts after BYMONTH) that put an onset on its day, most specific first:
 * "last Sunday", "2nd Sunday", "the Friday on or after the 23rd".
 */
function rulesFor(onset: Onset): string[] {
  const weekday = WEEKDAYS[onset.weekday] ?? 'SU';
  const rules: string[] = [];
  if (onset.day + 7 > daysInMonth(onset.year, onset.month)) rules.push(`BYDAY=-1${weekday}`);
  const nth = Math.ceil(onset.day / 7);
  if (nth <= 4) rules.push(`BYDAY=${nth}${weekday}`);
  for (let first = Math.max(1, onset.day - 6); first <= onset.day && first + 6 <= 31; first++) {
    const days = Array.from({ length: 7 }, (_, i) => first + i).join(',');
    rules.push(`BYDAY=${weekday};BYMONTHDAY=${days}`);
  }
  return rules;
}

/**
 * STANDARD or DAYLIGHT for the interval that starts with transition i: daylight when its offset is
 * above the offsets before and after it (summer time, also Lord Howe's half hour); a one-way change
 * of a zone's offset, and any offset that is not such a bump, is standard. Only the label depends on
 * this — the offsets are what they are either way.
 */
function kindOf(all: Transition[], i: number): Kind {
  const current = all[i];
  const next = all[i + 1];
  if (!current || !next) return 'STANDARD';
  return current.to > current.from && current.to > next.to ? 'DAYLIGHT' : 'STANDARD';
}

/** Onsets that follow one yearly rule in consecutive years. */
interface Run {
  onsets: Onset[];
  rules: string[];
}

function groupKey(onset: Onset): string {
  return `${onset.kind}|${onset.from}|${onset.to}|${onset.month}|${onset.clock}`;
}

/** Splits onsets (all of one group, in order) into runs of consecutive years sharing a rule. */
function runsOf(onsets: Onset[]): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  for (const onset of onsets) {
    const rules = rulesFor(onset);
    const last = current?.onsets.at(-1);
    if (current && last && onset.year === last.year + 1) {
      const shared = current.rules.filter((rule) => rules.includes(rule));
      if (shared.length > 0) {
        current.onsets.push(onset);
        current.rules = shared;
        continue;
      }
    }
    current = { onsets: [onset], rules };
    runs.push(current);
  }
  return runs;
}

function observance(kind: Kind, from: number, to: number, dtstart: string, extra: string[] = []): string[] {
  return [`BEGIN:${kind}`, `DTSTART:${dtstart}`, ...extra, `TZOFFSETFROM:${offsetText(from)}`, `TZOFFSETTO:${offsetText(to)}`, `END:${kind}`];
}

/**
 * The lines of a VTIMEZONE (without CRLFs) named `tzid` for the runtime zone `zone`, exact for every
 * instant in `range` and, where the zone's last rules are yearly, beyond it.
 */
export function vtimezoneLines(tzid: string, zone: string, range: ZoneRange): string[] {
  // A year before and two after, so that each interval's neighbours are known (STANDARD or DAYLIGHT)
  // and a yearly rule still running at the end of the range is seen to go on.
  const all = findTransitions(zone, range.from - YEAR_MS, range.to + 2 * YEAR_MS);
  const lookAhead = range.to + YEAR_MS;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tzid}`];

  // The rule in force at the start of the range, as an observance starting exactly there.
  const firstInside = all.findIndex((t) => t.at >= range.from);
  const startIndex = firstInside === -1 ? all.length : firstInside;
  const offset = offsetSecondsAt(range.from, zone);
  const startKind = startIndex > 0 ? kindOf(all, startIndex - 1) : 'STANDARD';
  lines.push(...observance(startKind, offset, offset, localText(range.from, offset)));

  const groups = new Map<string, Onset[]>();
  for (let i = startIndex; i < all.length && (all[i] as Transition).at < lookAhead; i++) {
    const onset = onsetOf(all[i] as Transition, kindOf(all, i));
    const key = groupKey(onset);
    const group = groups.get(key);
    if (group) group.push(onset);
    else groups.set(key, [onset]);
  }
  const observances: { at: number; lines: string[] }[] = [];
  for (const onsets of groups.values()) {
    for (const run of runsOf(onsets)) {
      const inside = run.onsets.filter((o) => o.at < range.to);
      const first = inside[0];
      const last = inside.at(-1);
      if (!first || !last) continue;
      const dtstart = localText(first.at, first.from);
      const goesOn = inside.length < run.onsets.length;
      if (inside.length === 1 && !goesOn) {
        observances.push({ at: first.at, lines: observance(first.kind, first.from, first.to, dtstart) });
        continue;
      }
      const rule = `RRULE:FREQ=YEARLY;BYMONTH=${first.month};${run.rules[0] ?? ''}${goesOn ? '' : `;UNTIL=${utcText(last.at)}`}`;
      observances.push({ at: first.at, lines: observance(first.kind, first.from, first.to, dtstart, [rule]) });
    }
  }
  observances.sort((a, b) => a.at - b.at);
  for (const o of observances) lines.push(...o.lines);
  lines.push('END:VTIMEZONE');
  return lines;
}

/**
 * Generated texts, per zone and range. Generating probes Intl thousands of times and was 40 % of
 * a booking's worker CPU (issue 9); the result depends only on the arguments and the runtime's
 * zone data, which cannot change inside a process, and booking ranges are whole years, so a
 * handful of entries serve every booking. Bounded all the same: the oldest goes first.
 */
const texts = new Map<string, string>();
const MAX_TEXTS = 256;

/**
 * A content line folded as ical-generator folds: 74 octets, then CRLF and a space before each next
 * 74 (RFC 5545 §3.1). VTIMEZONE lines are ASCII (zone names included), so an octet is a character;
 * a yearly rule with BYMONTHDAY and UNTIL is longer than a line may be.
 */
const FOLD_AT = 74;
const FOLD_PIECES = new RegExp(`[^]{1,${FOLD_AT}}`, 'g');
const foldAscii = (line: string): string => (line.length <= FOLD_AT ? line : (line.match(FOLD_PIECES) ?? [line]).join('\r\n '));

/** vtimezoneLines as iCalendar text (CRLF line ends), folded. */
export function vtimezoneText(tzid: string, zone: string, range: ZoneRange): string {
  const key = `${tzid}\u0000${zone}\u0000${range.from}\u0000${range.to}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = `${vtimezoneLines(tzid, zone, range).map(foldAscii).join('\r\n')}\r\n`;
    if (texts.size >= MAX_TEXTS) texts.delete(texts.keys().next().value!);
    texts.set(key, text);
  }
  return text;
}
