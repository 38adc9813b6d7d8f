import { isTimeZone } from '@roombook/config';
import { instantOfWallClock, wallClock } from '@roombook/zones';

import { problem, type FieldError } from '../problems.js';
import { toInstant } from './local-time.js';

/** `days` later on the zone's wall clock (62 days from 1 October end on 2 December at the same time of day, across the DST switch). */
function addWallClockDays(instant: Date, days: number, timeZone: string): Date {
  const local = wallClock(instant, timeZone);
  // wallClock reads whole seconds; the instant's milliseconds carry over unchanged
  const millisecond = instant.getTime() - Math.floor(instant.getTime() / 1000) * 1000;
  return instantOfWallClock({ ...local, day: local.day + days, millisecond }, timeZone);
}

/**
 * The zone naive request times are read in (issue 12): `timezone` when given; else the rooms'
 * zone when every room asked about has the same one (the usual case: "14:00" at a kiosk means the
 * building's 14:00, as a booking's "14:00" means the room's); else TIME_ZONE.
 */
export function spanZone(requested: string | undefined, roomZones: readonly string[], fallback: string): string {
  if (requested !== undefined) return requested;
  const zones = new Set(roomZones);
  return zones.size === 1 ? [...zones][0]! : fallback;
}

/**
 * Reads `start`/`end` (and checks `timezone`) of an availability query: both valid, end after
 * start, at most `maxDays` days of the wall clock apart. Every problem is one 400 naming its fields.
 */
export function readSpan(query: { start: string; end: string; timezone?: string | undefined }, zone: string, maxDays: number): { start: Date; end: Date } {
  const errors: FieldError[] = [];
  if (query.timezone !== undefined && !isTimeZone(query.timezone)) {
    errors.push({ field: 'querystring.timezone', message: `unknown IANA time zone "${query.timezone}"` });
  }
  const readZone = errors.length === 0 ? zone : 'UTC';
  const start = toInstant(query.start, readZone);
  const end = toInstant(query.end, readZone);
  if (!start) errors.push({ field: 'querystring.start', message: 'is not a valid date-time' });
  if (!end) errors.push({ field: 'querystring.end', message: 'is not a valid date-time' });
  if (start && end) {
    if (end.getTime() <= start.getTime()) errors.push({ field: 'querystring.end', message: 'must be after start' });
    else if (end.getTime() > addWallClockDays(start, maxDays, readZone).getTime()) {
      errors.push({ field: 'querystring.end', message: `must be at most ${maxDays} days after start` });
    }
  }
  if (errors.length > 0) throw problem.validation(errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
  return { start: start!, end: end! };
}
