import type { CalDavError } from '@roombook/caldav';

/**
 * A short sentence for job errors and report items, which API clients read (issue 10): never a
 * CalDAV server's response body, calendar text, SQL or a stack trace — those go to the worker's
 * log only. The status code and the kind of failure are kept: they say what to do.
 */
export function publicCalDavMessage(error: CalDavError): string {
  const status = error.status === null ? '' : ` (HTTP ${error.status})`;
  switch (error.code) {
    case 'UNAUTHORIZED':
      return `the CalDAV server refused roombook's login${status}: check the calendar's user name and password`;
    case 'FORBIDDEN':
      // No status: our own transport refused the address (see @roombook/caldav's address guard).
      if (error.status === null) return 'the calendar URL points to a link-local or cloud metadata address, which is refused unless the calendar allows it (--allow-private-address)';
      return `the CalDAV server refused access to the calendar${status}`;
    case 'NOT_FOUND':
      return `the CalDAV server has no such object or collection${status}`;
    case 'PRECONDITION_FAILED':
      return `the object changed on the server meanwhile${status}`;
    case 'BAD_RESPONSE':
      return `the CalDAV server gave an answer roombook cannot use${status}`;
    case 'TIMEOUT':
      return `the CalDAV server did not answer in time${error.failure === 'outcome-unknown' ? ' (the write may or may not have happened; it is checked on retry)' : ''}`;
    case 'NETWORK':
      return `the CalDAV server could not be reached${error.failure === 'outcome-unknown' ? ' (the write may or may not have happened; it is checked on retry)' : ''}`;
    default:
      return `the CalDAV server failed${status}`;
  }
}

/** For calendar data that cannot be read or edited: the parser's message may quote the object. */
export const UNREADABLE_DATA = 'the object holds iCalendar data roombook cannot read';

/** For anything unexpected: the details are in the worker's log under the job's id. */
export const INTERNAL = "an internal error occurred; the worker's log has the details";
