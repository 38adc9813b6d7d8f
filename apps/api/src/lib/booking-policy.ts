import { checkBookingRules, type BookingRules } from '@roombook/booking';
import type { PublicCalendar } from '@roombook/db';
import { buildEvent, IcalError, MAX_SERIES_OCCURRENCES, parseBookingRrule, seriesOccurrences } from '@roombook/ical';
import type { BookingRefusal } from '@roombook/queue';
import type { Job } from 'bullmq';

import { problem, type HttpProblem } from '../problems.js';

/** The calendar's rules in the shape @roombook/booking checks. */
export function rulesOf(calendar: Pick<PublicCalendar, 'maxDaysAhead' | 'minMinutes' | 'maxMinutes' | 'openingHours'>): BookingRules {
  return { maxDaysAhead: calendar.maxDaysAhead, minMinutes: calendar.minMinutes, maxMinutes: calendar.maxMinutes, openingHours: calendar.openingHours };
}

/**
 * Answers the booking rules synchronously (issue 11): each occurrence (one for a single booking)
 * is checked in order; the first that breaks a rule is a 422 naming the rule. A series is expanded
 * with the code the clear uses, so "every Monday 18:00 Berlin" is judged on Berlin's wall clock
 * across DST. Returns the normalised RRULE for the job.
 */
export function checkBookingPolicy(
  calendar: PublicCalendar,
  booking: { start: Date; end: Date; timeZone: string; rrule?: string | undefined },
  now: Date,
): { rrule?: string } {
  let rrule: string | undefined;
  let slots = [{ start: booking.start, end: booking.end }];
  if (booking.rrule !== undefined) {
    try {
      rrule = parseBookingRrule(booking.rrule, booking.timeZone).value;
    } catch (error) {
      if (!(error instanceof IcalError)) throw error;
      throw problem.validation(`body.rrule ${error.message}`, [{ field: 'body.rrule', message: error.message }]);
    }
    const probe = buildEvent({ uid: 'rule-check', summary: 'rule check', start: booking.start, end: booking.end, timeZone: booking.timeZone, rrule, created: now, stamp: now });
    slots = seriesOccurrences(probe, booking.timeZone);
    if (slots.length > MAX_SERIES_OCCURRENCES) {
      const message = `gives more than ${MAX_SERIES_OCCURRENCES} occurrences; book at most ${MAX_SERIES_OCCURRENCES}`;
      throw problem.validation(`body.rrule ${message}`, [{ field: 'body.rrule', message }]);
    }
    if (slots.length === 0) {
      const message = 'gives no occurrence (UNTIL before the start?)';
      throw problem.validation(`body.rrule ${message}`, [{ field: 'body.rrule', message }]);
    }
  }
  const rules = rulesOf(calendar);
  for (const [index, slot] of slots.entries()) {
    const violation = checkBookingRules(slot, rules, { now, timeZone: calendar.timeZone });
    if (!violation) continue;
    const series = rrule !== undefined;
    throw problem.bookingRule(violation.rule, series ? `occurrence ${index + 1} of ${slots.length}: ${violation.detail}` : violation.detail, {
      ...(series && { occurrence: { index: index + 1, start: slot.start.toISOString(), end: slot.end.toISOString() } }),
    });
  }
  return rrule !== undefined ? { rrule } : {};
}

/** A create job refused for a clash (its progress holds the clashes): the 409 of issue 11, or null for any other failure. */
export function refusalProblem(job: Job, detail: string, view: unknown): HttpProblem | null {
  const progress = job.progress as Partial<BookingRefusal> | number | undefined;
  if (typeof progress !== 'object' || progress === null || progress.phase !== 'refused') return null;
  return problem.bookingConflict(detail, {
    conflicts: progress.conflicts ?? [],
    ...(progress.clashing_occurrences && { clashing_occurrences: progress.clashing_occurrences }),
    job: view,
  });
}
