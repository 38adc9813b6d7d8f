import { isTimeZone } from '@roombook/zones';

/**
 * How an instant appears in a template. A frozen plain object rather than a liquidjs `Drop`:
 * liquidjs lets templates read (and call) any property of a Drop, prototype included, while for
 * plain objects `ownPropertyOnly` applies. The own methods make one value serve every use:
 * - `{{ start }}` -> `toString()` -> the default format in the calendar's zone;
 * - `{{ start | date: '%H:%M' }}` -> our `date` filter reads `valueOf()` (epoch ms) and formats
 *   in the calendar's zone;
 * - `{% if start < end %}` compares `valueOf()`; `| json` gives the ISO instant.
 */
export interface TemplateDateTime {
  readonly toString: () => string;
  readonly valueOf: () => number;
  readonly toJSON: () => string;
}

/** `Intl` options for the default datetime output, e.g. `Mon, 14 Jul 2025, 14:00`. */
const defaultFormat: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

/** Default locale: unambiguous day-month order and a 24-hour clock. */
export const defaultLocale = 'en-GB';

/**
 * Throws a `RangeError` naming the zone when it is not an IANA zone `Intl` knows, so a calendar
 * misconfiguration does not surface as an obscure error inside a filter.
 */
export function assertTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
}

/**
 * Default rendering of an instant: local wall time in the calendar's zone followed by the zone's
 * name, e.g. `Mon, 14 Jul 2025, 14:00 (Europe/Berlin)`. The zone name is shown because organizers
 * may sit in another zone than the room; an IANA name is unambiguous where `CEST`/`IST` are not.
 */
export function formatDateTime(date: Date, timeZone: string, locale: string = defaultLocale): string {
  const local = new Intl.DateTimeFormat(locale, { ...defaultFormat, timeZone }).format(date);
  return `${local} (${timeZone})`;
}

/** Wraps an instant for a Liquid scope; see {@link TemplateDateTime}. */
export function templateDateTime(date: Date, timeZone: string, locale: string): TemplateDateTime {
  const text = formatDateTime(date, timeZone, locale);
  const ms = date.getTime();
  const iso = date.toISOString();
  return Object.freeze({
    toString: () => text,
    valueOf: () => ms,
    toJSON: () => iso,
  });
}
