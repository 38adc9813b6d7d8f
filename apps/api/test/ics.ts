import { compactDay, futureDay } from '@roombook/testing';

/** iCalendar fixtures written the way Thunderbird writes them (VTIMEZONE + local times). */
export const ZONE = 'Europe/Berlin';
const BERLIN = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', 'X-LIC-LOCATION:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST', 'DTSTART:19700329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET', 'DTSTART:19701025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
  'END:VTIMEZONE',
];

/**
 * A local day `offset` days from today, as YYYYMMDD (in Berlin). Calendar days, not 24-hour steps:
 * from 23:00 Berlin time, `now + n × 24 h` skips the day of a spring DST switch.
 */
export function day(offset: number): string {
  return compactDay(futureDay(offset, ZONE));
}

/** A Thunderbird-style object: VTIMEZONE + one VEVENT with local Berlin times. */
export function event(props: { uid: string; summary: string; date: string; from: string; to: string; created: string; extra?: string[] }): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN', ...BERLIN,
    'BEGIN:VEVENT', `UID:${props.uid}`, `CREATED:${props.created}`, `DTSTAMP:${props.created}`, `LAST-MODIFIED:${props.created}`,
    `SUMMARY:${props.summary}`, `DTSTART;TZID=Europe/Berlin:${props.date}T${props.from}00`, `DTEND;TZID=Europe/Berlin:${props.date}T${props.to}00`,
    ...(props.extra ?? []), 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}

