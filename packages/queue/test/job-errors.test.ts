import { describe, expect, it } from 'vitest';

import { JobErrorCode, formatJobError, parseJobError } from '../src/index.js';

describe('formatJobError / parseJobError', () => {
  it.each(Object.values(JobErrorCode))('round-trips %s', (code) => {
    const text = formatJobError(code, 'event "abc" not found in the calendar');
    expect(text).toBe(`[${code}] event "abc" not found in the calendar`);
    expect(parseJobError(text)).toEqual({ code, message: 'event "abc" not found in the calendar' });
  });

  it('keeps messages with brackets, newlines and an empty text', () => {
    const message = 'PUT https://dav.example.org/x.ics: 412 [stale]\nsecond line';
    expect(parseJobError(formatJobError(JobErrorCode.conflict, message))).toEqual({ code: 'CONFLICT', message });
    expect(parseJobError(formatJobError(JobErrorCode.notFound, ''))).toEqual({ code: 'NOT_FOUND', message: '' });
  });

  it.each([
    'connect ECONNREFUSED 127.0.0.1:6379',
    '[SOMETHING_ELSE] a code we do not know',
    '[not_found] lowercase is not a code',
    '[NOT_FOUND]no space after the code',
    ' [NOT_FOUND] leading space',
    'job stalled more than allowable limit',
  ])('treats %j as INTERNAL, keeping the whole text', (text) => {
    expect(parseJobError(text)).toEqual({ code: 'INTERNAL', message: text });
  });

  it.each([undefined, ''])('gives INTERNAL "the job failed" for %j', (reason) => {
    expect(parseJobError(reason)).toEqual({ code: 'INTERNAL', message: 'the job failed' });
  });
});
