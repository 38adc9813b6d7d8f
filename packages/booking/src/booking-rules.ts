import { parseOpeningHours, withinOpeningHours } from './opening-hours.js';
import { localDate, localHourMinute, wallClock, weekdayName } from './zoned-time.js';

/** A calendar's booking rules (all optional); `null` means no limit. */
export interface BookingRules {
  maxDaysAhead: number | null;
  minMinutes: number | null;
  maxMinutes: number | null;
  /** e.g. `Mon-Fri 07:00-20:00, Sat 09:00-13:00`, in the calendar's zone */
  openingHours: string | null;
}

export type BookingRuleName = 'max-days-ahead' | 'min-minutes' | 'max-minutes' | 'opening-hours' | 'past';

/** The first rule a booking breaks, with a sentence for the person who booked. */
export interface RuleViolation {
  rule: BookingRuleName;
  detail: string;
}

/** A booking may start this long before "now" (clocks differ, forms take a while to fill in). */
export const PAST_GRACE_MS = 5 * 60_000;

const when = (instant: Date, timeZone: string) => {
  const c = wallClock(instant, timeZone);
  return `${weekdayName(c)} ${localDate(c)} ${localHourMinute(c)} (${timeZone})`;
};

/**
 * Checks one booking (or one occurrence of a series) against the calendar's rules, in a fixed
 * order (past, min, max, days ahead, opening hours), and returns the first violation, or null.
 * Times in the sentences are on the room's wall clock.
 */
export function checkBookingRules(
  slot: { start: Date; end: Date },
  rules: BookingRules,
  context: { now: Date; timeZone: string },
): RuleViolation | null {
  const { now, timeZone } = context;
  const startMs = slot.start.getTime();
  const minutes = (slot.end.getTime() - startMs) / 60_000;
  if (startMs < now.getTime() - PAST_GRACE_MS) {
    return { rule: 'past', detail: `the booking starts ${when(slot.start, timeZone)}, which is in the past` };
  }
  if (rules.minMinutes !== null && minutes < rules.minMinutes) {
    return { rule: 'min-minutes', detail: `the booking lasts ${minutes} minutes; this room is booked for at least ${rules.minMinutes} minutes` };
  }
  if (rules.maxMinutes !== null && minutes > rules.maxMinutes) {
    return { rule: 'max-minutes', detail: `the booking lasts ${minutes} minutes; this room is booked for at most ${rules.maxMinutes} minutes` };
  }
  if (rules.maxDaysAhead !== null && startMs > now.getTime() + rules.maxDaysAhead * 86_400_000) {
    return {
      rule: 'max-days-ahead',
      detail: `the booking starts ${when(slot.start, timeZone)}; this room can be booked at most ${rules.maxDaysAhead} days ahead`,
    };
  }
  if (rules.openingHours !== null && !withinOpeningHours(slot, parseOpeningHours(rules.openingHours), timeZone)) {
    return {
      rule: 'opening-hours',
      detail: `the booking ${when(slot.start, timeZone)} to ${localHourMinute(wallClock(slot.end, timeZone))} is outside the room's opening hours (${rules.openingHours})`,
    };
  }
  return null;
}
