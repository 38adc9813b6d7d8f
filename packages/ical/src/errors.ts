/**
 * The one error type this package throws: unparsable or unusable iCalendar data, or an edit that
 * does not apply to the object (e.g. a RECURRENCE-ID that is not an occurrence of the series).
 * Callers treat it as permanent — retrying with the same input gives the same answer.
 */
export class IcalError extends Error {
  override readonly name = 'IcalError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
