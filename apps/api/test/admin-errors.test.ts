import { CalendarBusyError, LockUnavailableError, PolicyError } from '@roombook/service';
import { describe, expect, it } from 'vitest';

import { serviceProblem } from '../src/admin/errors.js';

/** The admin API's statuses for the service's refusals added with the calendar lock and booking rules. */
describe('admin problem mapping', () => {
  it('a restore that waited out a busy calendar is 409 calendar-busy; no Redis for the lock is 503', () => {
    expect(serviceProblem(new CalendarBusyError('calendar "room-1" stayed busy for 30 s'))).toMatchObject({
      status: 409, type: '/problems/calendar-busy', message: 'calendar "room-1" stayed busy for 30 s',
    });
    expect(serviceProblem(new LockUnavailableError('cannot take calendar "room-1"\'s write lock'))).toMatchObject({ status: 503, type: '/problems/unavailable' });
  });

  it('a booking rule that cannot work is a validation problem naming its field (not a CalDAV failure)', () => {
    const mapped = serviceProblem(new PolicyError('opening hours: "Fry" is not a weekday', 'openingHours'));
    expect(mapped).toMatchObject({ status: 400, type: '/problems/validation' });
    expect(mapped?.extra).toEqual({ errors: [{ field: 'body.openingHours', message: 'opening hours: "Fry" is not a weekday' }] });
  });
});
