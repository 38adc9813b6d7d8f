/**
 * The runtime's own time-zone rules (ICU, through Intl), read in one place. Every package that
 * needs an offset, a wall clock or a zone name asks here, so request times, the planner, the
 * expansion of TZIDs, the VTIMEZONEs we write and the e-mails cannot disagree, and they are as
 * current as the Node.js release (`process.versions.tz`); a second zone library would carry its
 * own, possibly older, tz data. Pure: no I/O, no dependencies.
 */
export { offsetSecondsAt } from './offset.js';
export { wallClock, type WallClock } from './wall-clock.js';
export { canonicalZoneName, isTimeZone } from './zone-name.js';
