import { InvalidArgumentError } from 'commander';

import { isTimeZone } from '@roombook/config';

/**
 * Option parsers for commander's `argParser`. They throw InvalidArgumentError, which commander
 * reports as a usage error naming the option, before any database work starts.
 */

/** Calendar slugs appear in API paths (`/api/{calendar}/events`): lowercase, URL-safe, bounded. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function parseSlug(value: string): string {
  if (!SLUG_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      'A slug is 1-63 characters: lowercase letters, digits and "-", starting with a letter or digit.',
    );
  }
  return value;
}

/**
 * A CalDAV collection URL: http(s) only, and without embedded credentials (those belong in
 * --username/--password, where the password is encrypted; a URL is stored and listed in clear).
 * A missing trailing slash is added: object URLs are resolved relative to the collection, and
 * `new URL('x.ics', 'https://h/cal')` would otherwise drop the last path segment.
 */
export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Not a URL; expected e.g. https://dav.example.org/calendars/rooms/room-1/');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('Only http:// and https:// URLs are supported.');
  }
  if (url.username || url.password) {
    throw new InvalidArgumentError('Put credentials in --username and --password/--password-env, not in the URL.');
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/** An IANA zone the runtime knows. Case is fixed up ("europe/berlin"), links are kept as given. */
export function parseTimeZone(value: string): string {
  if (!isTimeZone(value)) throw new InvalidArgumentError('Unknown IANA time zone; expected e.g. Europe/Berlin or UTC.');
  const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === value.toLowerCase() ? resolved : value;
}

export function parseEmail(value: string): string {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) || value.length > 254) {
    throw new InvalidArgumentError('Expected an e-mail address like someone@example.org.');
  }
  return value;
}

/** Scheduled clears fetch a whole calendar: more often than once a minute only loads the server. */
const MIN_INTERVAL_S = 60;
const MAX_INTERVAL_S = 30 * 86_400;

/** `3600`, `90s`, `15m`, `1h`, `1h30m`, `1d` -> seconds. */
export function parseDuration(value: string): number {
  let seconds: number | undefined;
  if (/^\d+$/.test(value)) seconds = Number(value);
  else {
    const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
    if (match && value !== '') {
      const [, d = '0', h = '0', m = '0', s = '0'] = match;
      seconds = Number(d) * 86_400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
    }
  }
  if (seconds === undefined) throw new InvalidArgumentError('Expected a duration like 15m, 1h, 1h30m or seconds (3600).');
  if (seconds < MIN_INTERVAL_S || seconds > MAX_INTERVAL_S) {
    throw new InvalidArgumentError('The interval must be between 1 minute and 30 days.');
  }
  return seconds;
}

/** A parser for whole numbers in [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

/** Positive database ids. */
export const parseId = integerIn(1, 2_147_483_647);

/**
 * Names and labels: printed in tables and matched exactly, so no surrounding blanks (an
 * invisible difference) and no control characters; bounded so tables stay readable.
 */
export function parseName(value: string): string {
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (value.length === 0 || value.length > 100 || value.trim() !== value || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError('Expected 1-100 characters, without leading/trailing spaces or control characters.');
  }
  return value;
}
