/**
 * Job failures carry a stable code in their message, `[CODE] human text`, because BullMQ keeps
 * only a string (failedReason). The API maps the code to an HTTP status for `Prefer: wait`.
 */
export const JobErrorCode = {
  /** the event/object does not exist on the CalDAV server */
  notFound: 'NOT_FOUND',
  /** the calendar itself no longer exists in our database */
  calendarGone: 'CALENDAR_GONE',
  /** the CalDAV server refused our credentials (401/403) */
  caldavAuth: 'CALDAV_AUTH',
  /** the CalDAV server failed or could not be reached, after all retries */
  caldavUnavailable: 'CALDAV_UNAVAILABLE',
  /** the CalDAV server answered something we cannot use (4xx other than the above, bad data) */
  caldavRejected: 'CALDAV_REJECTED',
  /** the object changed under us on every attempt (412 after re-fetches) */
  conflict: 'CONFLICT',
  invalidPayload: 'INVALID_PAYLOAD',
  /** a stored CalDAV password cannot be decrypted with this SECRET_KEY (an operator must fix it) */
  credentialsUnreadable: 'CREDENTIALS_UNREADABLE',
  /** a webhook receiver did not answer 2xx in time (the delivery is retried for about a day) */
  webhookUndelivered: 'WEBHOOK_UNDELIVERED',
  internal: 'INTERNAL',
} as const;
export type JobErrorCode = (typeof JobErrorCode)[keyof typeof JobErrorCode];

export function formatJobError(code: JobErrorCode, message: string): string {
  return `[${code}] ${message}`;
}

export function parseJobError(failedReason: string | undefined): { code: JobErrorCode; message: string } {
  const match = /^\[([A-Z_]+)\] ([\s\S]*)$/.exec(failedReason ?? '');
  const known = Object.values(JobErrorCode) as string[];
  if (match && known.includes(match[1]!)) return { code: match[1] as JobErrorCode, message: match[2]! };
  return { code: JobErrorCode.internal, message: failedReason || 'the job failed' };
}
