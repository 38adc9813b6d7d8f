import type { CalendarInput, CalendarUpdate } from '@roombook/db';
import { checkEmail, checkHttpUrl, checkName, checkSlug, checkTimeZone, InvalidInputError } from '@roombook/service';

import { problem, type FieldError } from '../problems.js';
import type { CalendarCreate, CalendarUpdateBody } from './schemas.js';

/**
 * The service's rules over a schema-valid body: each failing field is named, all at once, as the
 * API's validation problems are. Returns the normalized values (a URL with its trailing slash).
 */
function checked<T>(errors: FieldError[], field: string, value: T | undefined, check: (v: T) => T): T | undefined {
  if (value === undefined) return undefined;
  try {
    return check(value);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    errors.push({ field, message: error.message });
    return undefined;
  }
}

function fail(errors: FieldError[]): void {
  if (errors.length > 0) throw problem.validation(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

export function calendarCreateInput(body: CalendarCreate): CalendarInput {
  const errors: FieldError[] = [];
  const input: CalendarInput = {
    slug: checked(errors, 'body.slug', body.slug, checkSlug)!,
    url: checked(errors, 'body.url', body.url, checkHttpUrl)!,
    username: checked(errors, 'body.username', body.username, checkName)!,
    password: body.password,
    displayName: checked(errors, 'body.displayName', body.displayName, checkName),
    timeZone: checked(errors, 'body.timeZone', body.timeZone, checkTimeZone),
    roomEmail: checked(errors, 'body.roomEmail', body.roomEmail ?? undefined, checkEmail),
    autoClear: body.autoClear,
    clearIntervalSeconds: body.clearIntervalSeconds,
    horizonDays: body.horizonDays,
  };
  fail(errors);
  return input;
}

export function calendarUpdateInput(body: CalendarUpdateBody): CalendarUpdate {
  const errors: FieldError[] = [];
  const change: CalendarUpdate = {
    url: checked(errors, 'body.url', body.url, checkHttpUrl),
    username: checked(errors, 'body.username', body.username, checkName),
    password: body.password,
    displayName: checked(errors, 'body.displayName', body.displayName, checkName),
    timeZone: checked(errors, 'body.timeZone', body.timeZone, checkTimeZone),
    roomEmail: body.roomEmail === null ? null : checked(errors, 'body.roomEmail', body.roomEmail, checkEmail),
    autoClear: body.autoClear,
    clearIntervalSeconds: body.clearIntervalSeconds,
    horizonDays: body.horizonDays,
    mailEnabled: body.mailEnabled,
    template: body.template,
  };
  fail(errors);
  return change;
}
