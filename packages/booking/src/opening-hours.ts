import { localDate, wallClock as zonedWallClock } from './zoned-time.js';

/** One opening span: on these weekdays (1 = Monday … 7 = Sunday, ISO), from..to minutes after local midnight. */
export interface OpeningSpan {
  days: number[];
  fromMinute: number;
  toMinute: number;
}

/** A calendar's opening hours that cannot be read; the message says what is wrong, for an admin. */
export class OpeningHoursError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpeningHoursError';
  }
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function dayNumber(name: string, entry: string): number {
  const index = DAY_NAMES.findIndex((d) => d.toLowerCase() === name.toLowerCase());
  if (index < 0) throw new OpeningHoursError(`"${name}" in "${entry}" is not a weekday (use ${DAY_NAMES.join(', ')})`);
  return index + 1;
}

function minuteOfDay(text: string, entry: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) {
    throw new OpeningHoursError(`"${text}" in "${entry}" is not a time of day like 07:00 (24:00 ends a day)`);
  }
  return hours * 60 + minutes;
}

/**
 * Reads opening hours like `Mon-Fri 07:00-20:00, Sat 09:00-13:00`: comma-separated entries, each a
 * weekday or a range of weekdays (`Fri-Mon` wraps past Sunday) and one time span within a day.
 * Hand-written because the only maintained parser (opening_hours.js) implements the whole
 * OpenStreetMap grammar (holidays, sunrise, week numbers) we neither need nor want admins to learn.
 */
export function parseOpeningHours(text: string): OpeningSpan[] {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) throw new OpeningHoursError('opening hours are empty (e.g. "Mon-Fri 07:00-20:00, Sat 09:00-13:00")');
  return entries.map((entry) => {
    const match = /^([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(\S+)\s*-\s*(\S+)$/.exec(entry);
    if (!match) throw new OpeningHoursError(`"${entry}" is not like "Mon-Fri 07:00-20:00"`);
    const first = dayNumber(match[1]!, entry);
    const last = match[2] === undefined ? first : dayNumber(match[2], entry);
    const days: number[] = [];
    for (let d = first; ; d = (d % 7) + 1) {
      days.push(d);
      if (d === last) break;
    }
    const fromMinute = minuteOfDay(match[3]!, entry);
    const toMinute = minuteOfDay(match[4]!, entry);
    if (toMinute <= fromMinute) throw new OpeningHoursError(`in "${entry}" the span must end after it starts, within one day`);
    return { days, fromMinute, toMinute };
  });
}

/** Wall clock of an instant in a zone: ISO weekday, local date and minute of the day. */
function wallClock(instant: Date, timeZone: string): { weekday: number; date: string; minute: number } {
  const c = zonedWallClock(instant, timeZone);
  return { weekday: c.weekday, date: localDate(c), minute: c.hour * 60 + c.minute };
}

/**
 * Whether [start, end) lies inside one opening span, read on the wall clock of `timeZone` (the
 * room's zone: "Mon-Fri 07:00-20:00" means Berlin time for a room in Berlin, summer and winter).
 * A booking ending at local midnight ends at 24:00 of its start day.
 */
export function withinOpeningHours(slot: { start: Date; end: Date }, spans: readonly OpeningSpan[], timeZone: string): boolean {
  const from = wallClock(slot.start, timeZone);
  const to = wallClock(slot.end, timeZone);
  let endMinute: number;
  if (to.date === from.date) endMinute = to.minute;
  else if (to.minute === 0 && slot.end.getTime() - slot.start.getTime() <= 86_400_000 && to.weekday === (from.weekday % 7) + 1) endMinute = 24 * 60;
  else return false;
  return spans.some((span) => span.days.includes(from.weekday) && span.fromMinute <= from.minute && endMinute <= span.toMinute);
}
