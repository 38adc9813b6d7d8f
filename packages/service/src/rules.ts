import { canonicalZoneName } from '@roombook/zones';

/**
 * Input rules shared by every front end: the CLI wraps them as option parsers, the admin API uses
 * them in its TypeBox schemas and after validation. Each check returns the normalized value or
 * throws InvalidInputError with a sentence that says what to type instead.
 */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

/** Calendar slugs appear in API paths (`/api/{calendar}/events`): lowercase, URL-safe, bounded. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Scheduled clears fetch a whole calendar: more often than once a minute only loads the server. */
export const MIN_CLEAR_INTERVAL_S = 60;
export const MAX_CLEAR_INTERVAL_S = 30 * 86_400;
export const MAX_HORIZON_DAYS = 3650;

export function checkSlug(value: string): string {
  if (!SLUG_PATTERN.test(value)) {
    throw new InvalidInputError('A slug is 1-63 characters: lowercase letters, digits and "-", starting with a letter or digit.');
  }
  return value;
}

/**
 * A CalDAV collection URL: http(s) only, and without embedded credentials (those belong in the
 * user name and password, where the password is encrypted; a URL is stored and listed in clear).
 * A missing trailing slash is added: object URLs are resolved relative to the collection, and
 * `new URL('x.ics', 'https://h/cal')` would otherwise drop the last path segment.
 */
export function checkHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError('Not a URL; expected e.g. https://dav.example.org/calendars/rooms/room-1/');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInputError('Only http:// and https:// URLs are supported.');
  if (url.username || url.password) {
    throw new InvalidInputError('Put credentials in --username and --password/--password-env, not in the URL.');
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/** An IANA zone the runtime knows. Case is fixed up ("europe/berlin"), links are kept as given. */
export function checkTimeZone(value: string): string {
  const resolved = canonicalZoneName(value);
  if (resolved === null) throw new InvalidInputError('Unknown IANA time zone; expected e.g. Europe/Berlin or UTC.');
  return resolved.toLowerCase() === value.toLowerCase() ? resolved : value;
}

export function checkEmail(value: string): string {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) || value.length > 254) {
    throw new InvalidInputError('Expected an e-mail address like someone@example.org.');
  }
  return value;
}

/**
 * Names and labels: printed in tables and matched exactly, so no surrounding blanks (an
 * invisible difference) and no control characters; bounded so tables stay readable.
 */
export function checkName(value: string): string {
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (value.length === 0 || value.length > 100 || value.trim() !== value || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidInputError('Expected 1-100 characters, without leading/trailing spaces or control characters.');
  }
  return value;
}

export function checkClearInterval(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < MIN_CLEAR_INTERVAL_S || seconds > MAX_CLEAR_INTERVAL_S) {
    throw new InvalidInputError('The interval must be between 1 minute and 30 days.');
  }
  return seconds;
}

/** Booking-rule bounds (issue 11), one place for the CLI's parsers and the admin API's schemas. */
export const MAX_SERIES_CONFLICTS = 366;
export const MAX_DAYS_AHEAD = 3650;
export const MAX_BOOKING_MINUTES = 100_000;

/**
 * Room attributes (issue 12) as find-a-room filters on them: a capacity is a head count, a
 * feature a short lower-case slug (`projector`, `video-conf`), a location a line of text for people.
 */
export const MAX_CAPACITY = 100_000;
export const MAX_FEATURES = 32;
export const FEATURE_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const MAX_LOCATION_LENGTH = 200;

export function checkCapacity(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_CAPACITY) {
    throw new InvalidInputError(`A capacity is a whole number of people from 1 to ${MAX_CAPACITY}.`);
  }
  return value;
}

/**
 * Features as a set: trimmed, without repeats, in the order first given. Each is lowercase
 * letters, digits and "-" (as it appears in a query string), at most 40 characters.
 */
export function checkFeatures(values: readonly string[]): string[] {
  const features = [...new Set(values.map((v) => v.trim()))];
  const bad = features.find((f) => !FEATURE_PATTERN.test(f));
  if (bad !== undefined) {
    throw new InvalidInputError(
      `${bad === '' ? 'An empty feature' : `"${bad}"`} is not a feature name: 1-40 lowercase letters, digits and "-", e.g. projector or video-conf.`,
    );
  }
  if (features.length > MAX_FEATURES) throw new InvalidInputError(`At most ${MAX_FEATURES} features.`);
  return features;
}

/** A comma-separated feature list (`projector, video-conf`), as typed on a command line or in a form. */
export function parseFeatureList(value: string): string[] {
  return value.trim() === '' ? [] : checkFeatures(value.split(','));
}

export function checkLocation(value: string): string {
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (value.length === 0 || value.length > MAX_LOCATION_LENGTH || value.trim() !== value || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidInputError(`A location is 1-${MAX_LOCATION_LENGTH} characters on one line, without leading/trailing spaces.`);
  }
  return value;
}
