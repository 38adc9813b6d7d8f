/**
 * @roombook/booking — the pure clearing domain (design §5 steps 2–4): classify occurrences,
 * detect overlaps, apply priority, and plan what a clear removes. No I/O, no dependencies.
 */
export { planClearing } from './plan.js';
export { classify, isPast, marksObjectCancelled, type OccurrenceClass } from './classify.js';
export { overlaps, overlapsMs } from './overlap.js';
export { PriorityMatcher } from './priority.js';
export { OverlapIndex } from './overlap-index.js';
export { bookedAtMs } from './order.js';
export { describeOccurrence } from './reason.js';
export { localIso } from './local-iso.js';
export type {
  ClearingPlan,
  DeletedCancelled,
  IgnoredOverlap,
  Loser,
  LoserAction,
  Occurrence,
  OccurrenceStatus,
  PlanInput,
} from './types.js';
export { checkBookingRules, PAST_GRACE_MS, type BookingRuleName, type BookingRules, type RuleViolation } from './booking-rules.js';
export { OpeningHoursError, parseOpeningHours, withinOpeningHours, type OpeningSpan } from './opening-hours.js';
export { checkBooking, type BookingCheck, type BookingCheckInput, type ClashingSlot } from './booking-conflicts.js';
export { busyDuring, mergeBusy, type BusyMs } from './busy-time.js';
