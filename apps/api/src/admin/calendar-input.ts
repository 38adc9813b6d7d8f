import type { BookingPolicy, CalendarInput, CalendarUpdate, RoomAttributes } from '@roombook/db';
import { checkEmail, checkFeatures, checkHttpUrl, checkLocation, checkName, checkSlug, checkTimeZone, InvalidInputError } from '@roombook/service';

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

/** The policy fields given (issue 11); undefined when none is, so the stored policy stays as it is. */
function policyOf(body: CalendarCreate | CalendarUpdateBody): Partial<BookingPolicy> | undefined {
  const policy: Partial<BookingPolicy> = {
    conflictPolicy: body.conflictPolicy,
    seriesMaxConflicts: body.seriesMaxConflicts,
    maxDaysAhead: body.maxDaysAhead,
    minMinutes: body.minMinutes,
    maxMinutes: body.maxMinutes,
    openingHours: body.openingHours,
  };
  return Object.values(policy).every((v) => v === undefined) ? undefined : policy;
}

/** The room attributes given (issue 12); the service checks them again for every front end. */
function attributesOf(errors: FieldError[], body: CalendarCreate | CalendarUpdateBody): Partial<RoomAttributes> | undefined {
  const attributes: Partial<RoomAttributes> = {
    capacity: body.capacity,
    features: checked(errors, 'body.features', body.features, checkFeatures),
    location: body.location === null ? null : checked(errors, 'body.location', body.location, checkLocation),
  };
  return Object.values(attributes).every((v) => v === undefined) ? undefined : attributes;
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
    openDelete: body.openDelete,
    allowPrivateAddress: body.allowPrivateAddress,
    policy: policyOf(body),
    attributes: attributesOf(errors, body),
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
    openDelete: body.openDelete,
    allowPrivateAddress: body.allowPrivateAddress,
    policy: policyOf(body),
    attributes: attributesOf(errors, body),
  };
  fail(errors);
  return change;
}
