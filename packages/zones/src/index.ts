/**
 * The runtime's own time-zone rules (ICU, through Intl), read in one place. Every package that
 * needs an offset, a wall clock, the instant of a wall-clock time or a zone name asks here, so
 * request times, the planner, the expansion of TZIDs, the VTIMEZONEs we write and the e-mails
 * cannot disagree, and they are as current as the Node.js release (`process.versions.tz`); a second
 * zone library would carry its own, possibly older, tz data and its own reading of DST gaps and
 * overlaps. Pure: no I/O, no dependencies.
 */
export { offsetSecondsAt } from './offset.js';
export { findTransitions, type Transition } from './transitions.js';
export { offsetAt, offsetForWallClock, steadyOffset } from './zone-offsets.js';
export { daysInMonth } from './calendar-date.js';
export { instantOfWallClock, wallClockMs, type LocalDateTime } from './instant.js';
export { wallClock, type DateTimeFields, type WallClock } from './wall-clock.js';
export { canonicalZoneName, isTimeZone } from './zone-name.js';
