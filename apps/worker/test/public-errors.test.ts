import { CalDavError } from '@roombook/caldav';
import { IcalError } from '@roombook/ical';
import { parseJobError } from '@roombook/queue';
import { describe, expect, it } from 'vitest';

import { toJobError } from '../src/job-failure.js';
import { expandCalendar } from '../src/clearing/occurrences.js';

const serverBody = '<html><body>java.sql.SQLException at com.dav.Store.put(Store.java:42) internal-host-10.0.0.7</body></html>';

describe('job errors carry a stable code and a short sentence, never internals', () => {
  it.each([
    [new CalDavError(`PUT http://dav.internal/rooms/a.ics -> 500 Internal Server Error: ${serverBody}`, { code: 'SERVER_ERROR', status: 500, retryable: true, url: 'http://dav.internal/rooms/a.ics' }), 'CALDAV_UNAVAILABLE', /HTTP 500/],
    [new CalDavError(`REPORT http://dav.internal/rooms/ -> 403 Forbidden: ${serverBody}`, { code: 'FORBIDDEN', status: 403, retryable: false, url: 'http://dav.internal/rooms/' }), 'CALDAV_AUTH', /refused access/],
    [new CalDavError(`REPORT http://dav.internal/rooms/: unusable response: ${serverBody}`, { code: 'BAD_RESPONSE', status: 200, retryable: false, url: 'http://dav.internal/rooms/' }), 'CALDAV_REJECTED', /cannot use/],
    [new CalDavError('PUT http://dav.internal/rooms/a.ics: network error: ECONNRESET socket hang up (outcome unknown)', { code: 'NETWORK', status: null, retryable: true, failure: 'outcome-unknown', url: 'http://dav.internal/rooms/a.ics' }), 'CALDAV_UNAVAILABLE', /could not be reached.*may or may not/],
    [new IcalError('unparsable iCalendar data: invalid line "DESCRIPTION:salary review for Bob"'), 'CALDAV_REJECTED', /cannot read/],
    [Object.assign(new Error('insert into "bookings" ("calendar_id", "uid") values ($1, $2) params: 7,secret-uid'), { stack: 'at Object.<anonymous> (/srv/app/x.js:1:1)' }), 'INTERNAL', /internal error/],
  ])('%s', (error, code, sentence) => {
    const { code: got, message } = parseJobError(toJobError(error).message);
    expect(got).toBe(code);
    expect(message).toMatch(sentence);
    for (const leak of ['SQLException', 'Store.java', '10.0.0.7', 'dav.internal', 'salary', 'insert into', '$1', 'secret-uid', '/srv/app']) {
      expect(message).not.toContain(leak);
    }
    expect(message.length).toBeLessThan(200);
  });

  it('reports an unparsable object without quoting its text', () => {
    const { unreadable } = expandCalendar(
      [{ href: '/broken.ics', etag: '"1"', data: 'BEGIN:VCALENDAR\r\nthis is not ical: salary review for Bob\r\nEND:VCALENDAR\r\n' }],
      { from: new Date(), to: new Date(Date.now() + 86_400_000), timeZone: 'UTC', roomAddresses: [], isPriorityMarkValid: () => false },
    );
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.error).not.toContain('salary');
  });
});
