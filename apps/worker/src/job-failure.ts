import { CalDavError } from '@roombook/caldav';
import { IcalError } from '@roombook/ical';
import { CalendarBusyError, InvalidPayloadError, JobErrorCode, LeaseLostError, formatJobError } from '@roombook/queue';
import { NotFoundError } from '@roombook/db';
import { UnrecoverableError } from 'bullmq';

import { INTERNAL, UNREADABLE_DATA, publicCalDavMessage } from './public-error.js';

/** A failure whose code and retry policy the handler already decided. */
export class JobFailure extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

/**
 * Classifies anything a handler throws (design §4): permanent failures become UnrecoverableError
 * so BullMQ stops at once; transient ones are rethrown for backoff. Either way the message
 * carries a stable `[CODE]` that the API maps to a status for `Prefer: wait`.
 */
export function toJobError(error: unknown): Error {
  const { code, message, permanent } = classify(error);
  const text = formatJobError(code, message);
  return permanent ? new UnrecoverableError(text) : new Error(text);
}

function classify(error: unknown): { code: JobErrorCode; message: string; permanent: boolean } {
  if (error instanceof JobFailure) return { code: error.code, message: error.message, permanent: error.permanent };
  if (error instanceof InvalidPayloadError) return { code: JobErrorCode.invalidPayload, message: error.message, permanent: true };
  if (error instanceof NotFoundError) return { code: JobErrorCode.calendarGone, message: error.message, permanent: true };
  if (error instanceof IcalError) return { code: JobErrorCode.caldavRejected, message: UNREADABLE_DATA, permanent: true };
  if (error instanceof CalendarBusyError) return { code: JobErrorCode.conflict, message: error.message, permanent: false };
  // Another worker may be writing this calendar now: stop, and retry once it is ours again.
  if (error instanceof LeaseLostError) return { code: JobErrorCode.conflict, message: error.message, permanent: false };
  if (error instanceof CalDavError) {
    switch (error.code) {
      case 'UNAUTHORIZED':
      case 'FORBIDDEN':
        return { code: JobErrorCode.caldavAuth, message: publicCalDavMessage(error), permanent: true };
      case 'PRECONDITION_FAILED':
        return { code: JobErrorCode.conflict, message: publicCalDavMessage(error), permanent: false };
      case 'NOT_FOUND':
      case 'BAD_RESPONSE':
        return { code: JobErrorCode.caldavRejected, message: publicCalDavMessage(error), permanent: true };
      default:
        return { code: JobErrorCode.caldavUnavailable, message: publicCalDavMessage(error), permanent: false };
    }
  }
  // SQL with its parameters, a driver's message, a stack: the log keeps them, the job gets a sentence.
  return { code: JobErrorCode.internal, message: INTERNAL, permanent: false };
}
