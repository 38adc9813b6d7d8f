import { OpeningHoursError, parseOpeningHours } from '@roombook/booking';
import type { BookingPolicy } from '@roombook/db';

import { ServiceError } from './errors.js';

/** A booking policy that cannot work (unreadable opening hours, a minimum above the maximum); nothing was saved. */
export class PolicyError extends ServiceError {
  override name = 'PolicyError';
  constructor(
    message: string,
    /** The setting at fault, so a form can show the message beside it. */
    readonly field: keyof BookingPolicy,
  ) {
    super(message);
  }
}

/**
 * Checks the policy a calendar would have after a change (`current` merged with `change`), so a
 * rule is refused when it is set, not when the first booking meets it.
 */
export function checkPolicy(change: Partial<BookingPolicy>, current?: Partial<BookingPolicy>): void {
  const merged = { ...current, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as Partial<BookingPolicy>;
  if (merged.openingHours !== undefined && merged.openingHours !== null) {
    try {
      parseOpeningHours(merged.openingHours);
    } catch (error) {
      if (error instanceof OpeningHoursError) throw new PolicyError(`opening hours: ${error.message}`, 'openingHours');
      throw error;
    }
  }
  const { minMinutes, maxMinutes } = merged;
  if (minMinutes != null && maxMinutes != null && minMinutes > maxMinutes) {
    throw new PolicyError(`the minimum length (${minMinutes} minutes) is above the maximum (${maxMinutes} minutes)`, 'minMinutes');
  }
}
