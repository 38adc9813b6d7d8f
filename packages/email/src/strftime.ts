/**
 * strftime for the Liquid `date` filters, computed with `Intl` in the calendar's zone.
 *
 * liquidjs' own `date` filter shifts instants through the *process* time zone, which gives wrong
 * wall times around DST changes whenever the host is not on UTC (seen: Europe/Berlin host, 03:30
 * CEST shown as 01:30 +0100). Doing the arithmetic with `Intl` makes the output depend only on
 * the instant and the calendar's zone. Padding widths (`%10d`) are not supported, which also
 * removes the "huge width" memory attack on strftime.
 *
 * Supported: %a %A %b %B %h %d %e %j %m %y %Y %C %H %k %I %l %M %S %L %p %P %s %u %w %z %:z %Z
 * %F %T %R %D %c %x %X %n %t %%, with flags `-` (no padding) and `^` (upper case). Unknown
 * conversions are left as written, as liquidjs does.
 */

import { wallClock, type WallClock } from '@roombook/zones';

/** @roombook/zones' wall clock (ISO weekday, offset in minutes) and the day of the year. */
interface StrftimeClock extends WallClock {
  dayOfYear: number;
}

function strftimeClock(date: Date, timeZone: string): StrftimeClock {
  const clock = wallClock(date, timeZone);
  const midnight = Date.UTC(clock.year, clock.month - 1, clock.day);
  return { ...clock, dayOfYear: Math.round((midnight - Date.UTC(clock.year, 0, 1)) / 86_400_000) + 1 };
}

function name(date: Date, timeZone: string, locale: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(date);
}

const pad = (n: number, width: number, noPad: boolean, char = '0'): string =>
  noPad ? String(n) : String(n).padStart(width, char);

function offsetText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}

const conversion = /%([-^]*)(:?[a-zA-Z%])/g;

/** Formats `date` in `timeZone` (IANA) with a strftime pattern; names follow `locale`. */
export function strftime(date: Date, format: string, timeZone: string, locale: string): string {
  const w = strftimeClock(date, timeZone);
  const expand = (code: string, noPad: boolean): string | undefined => {
    switch (code) {
      case 'a': return name(date, timeZone, locale, { weekday: 'short' });
      case 'A': return name(date, timeZone, locale, { weekday: 'long' });
      case 'b': case 'h': return name(date, timeZone, locale, { month: 'short' });
      case 'B': return name(date, timeZone, locale, { month: 'long' });
      case 'd': return pad(w.day, 2, noPad);
      case 'e': return pad(w.day, 2, noPad, ' ');
      case 'j': return pad(w.dayOfYear, 3, noPad);
      case 'm': return pad(w.month, 2, noPad);
      case 'y': return pad(w.year % 100, 2, noPad);
      case 'Y': return String(w.year);
      case 'C': return pad(Math.floor(w.year / 100), 2, noPad);
      case 'H': return pad(w.hour, 2, noPad);
      case 'k': return pad(w.hour, 2, noPad, ' ');
      case 'I': return pad(w.hour % 12 || 12, 2, noPad);
      case 'l': return pad(w.hour % 12 || 12, 2, noPad, ' ');
      case 'M': return pad(w.minute, 2, noPad);
      case 'S': return pad(w.second, 2, noPad);
      case 'L': return pad(((date.getTime() % 1000) + 1000) % 1000, 3, noPad);
      case 'p': return w.hour < 12 ? 'AM' : 'PM';
      case 'P': return w.hour < 12 ? 'am' : 'pm';
      case 's': return String(Math.floor(date.getTime() / 1000));
      case 'u': return String(w.weekday);
      case 'w': return String(w.weekday % 7);
      case 'z': return offsetText(w.offsetMinutes, false);
      case ':z': return offsetText(w.offsetMinutes, true);
      case 'Z': return timeZone;
      case 'F': return `${w.year}-${pad(w.month, 2, false)}-${pad(w.day, 2, false)}`;
      case 'T': return `${pad(w.hour, 2, false)}:${pad(w.minute, 2, false)}:${pad(w.second, 2, false)}`;
      case 'R': return `${pad(w.hour, 2, false)}:${pad(w.minute, 2, false)}`;
      case 'D': return `${pad(w.month, 2, false)}/${pad(w.day, 2, false)}/${pad(w.year % 100, 2, false)}`;
      case 'c': return name(date, timeZone, locale, { dateStyle: 'full', timeStyle: 'short' });
      case 'x': return name(date, timeZone, locale, { dateStyle: 'short' });
      case 'X': return name(date, timeZone, locale, { timeStyle: 'short' });
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return undefined;
    }
  };
  return format.replace(conversion, (whole, flags: string, code: string) => {
    const value = expand(code, flags.includes('-'));
    if (value === undefined) return whole;
    return flags.includes('^') ? value.toUpperCase() : value;
  });
}
