import ICAL from 'ical.js';

import { parseJcal, type JcalComponent } from './parse.js';

/**
 * parseJcal for read-only use (expansion), with the VTIMEZONEs parsed once per distinct text (issue 9).
 * Every object a client writes carries the same VTIMEZONE — in a Thunderbird object half of the
 * lines, and with its RRULEs the costlier half for ical.js to parse. The VTIMEZONE blocks are cut out
 * at their BEGIN/END lines, each parsed by ical.js once (wrapped in a VCALENDAR of its own, so under
 * the same design set) and kept frozen; the rest of the text is parsed by ical.js as usual and the
 * shared blocks put back where they were. No iCalendar is parsed here: only whole unfolded lines
 * are matched, and any layout but the usual one (VTIMEZONEs right after the VCALENDAR's first
 * lines, before any other component) takes ical.js's parse of the whole text, as does any error.
 * `parse-shared.test.ts` holds the result equal to parseJcal's on every fixture and variations.
 */

const MAX_MEMOISED = 1_000;
const memo = new Map<string, JcalComponent>();

/** A whole VTIMEZONE: its BEGIN and END lines unfolded (no continuation line after either). */
const BLOCK = /^BEGIN:VTIMEZONE\r?\n(?![ \t])[\s\S]*?^END:VTIMEZONE\r?\n(?![ \t])/gm;
/** A component boundary line. */
const BOUNDARY = /^(?:BEGIN|END):/m;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * The last block found in the memo. Each object's block is a new string, whose hash the Map lookup
 * computes over all of its ~1.5 kB; comparing it with the last one (almost always the same
 * VTIMEZONE) is a memcmp (issue 9).
 */
let last: { block: string; vtimezone: JcalComponent } | null = null;

function sharedVtimezone(block: string): JcalComponent | null {
  if (last !== null && last.block === block) return last.vtimezone;
  let vtimezone = memo.get(block);
  if (vtimezone === undefined) {
    const wrapper = ICAL.parse(`BEGIN:VCALENDAR\r\n${block}END:VCALENDAR\r\n`) as unknown[];
    const calendar = wrapper[0] === 'vcalendar' ? (wrapper as JcalComponent) : null;
    const [only, ...more] = calendar?.[2] ?? [];
    if (!calendar || calendar[1].length > 0 || more.length > 0 || only?.[0] !== 'vtimezone') return null;
    if (memo.size >= MAX_MEMOISED) memo.clear();
    vtimezone = deepFreeze(only);
    memo.set(block, vtimezone);
  }
  last = { block, vtimezone };
  return vtimezone;
}

/**
 * The jCal of a calendar object's VCALENDAR, equal to parseJcal's, whose VTIMEZONE subcomponents
 * may be shared with other objects' and are frozen: for readers only (expandObject), never for edits.
 */
export function parseJcalShared(ics: string): JcalComponent {
  if (!ics.startsWith('BEGIN:VCALENDAR')) return parseJcal(ics);
  const blocks: string[] = [];
  const rest: string[] = [];
  let at = 0;
  // exec from lastIndex 0 rather than matchAll, which clones the expression for every object.
  BLOCK.lastIndex = 0;
  for (let match = BLOCK.exec(ics); match !== null; match = BLOCK.exec(ics)) {
    // Only lines of the VCALENDAR itself may come before or between the VTIMEZONEs.
    const before = ics.slice(at, match.index);
    if (BOUNDARY.test(at === 0 ? before.slice('BEGIN:VCALENDAR'.length) : before)) break;
    rest.push(before);
    blocks.push(match[0]);
    at = match.index + match[0].length;
  }
  if (blocks.length === 0) return parseJcal(ics);
  rest.push(ics.slice(at));
  try {
    const vtimezones: JcalComponent[] = [];
    for (const block of blocks) {
      const vtimezone = sharedVtimezone(block);
      if (vtimezone === null) return parseJcal(ics);
      vtimezones.push(vtimezone);
    }
    const root = ICAL.parse(rest.join('')) as unknown[];
    if (root[0] !== 'vcalendar') return parseJcal(ics);
    const calendar = root as JcalComponent;
    calendar[2].unshift(...vtimezones);
    return calendar;
  } catch {
    // Whatever is wrong, ical.js's parse of the whole text says it (or it was only the cut).
    return parseJcal(ics);
  }
}
