import { describe, expect, it } from 'vitest';

import { InvalidInputError, checkClearInterval, checkHttpUrl, checkName, checkSlug, checkTimeZone } from '../src/index.js';

/** The input rules the CLI's option parsers and the admin API share. */
describe('input rules', () => {
  it('normalizes what it accepts', () => {
    expect(checkHttpUrl('https://dav.example.org/cal/room-1')).toBe('https://dav.example.org/cal/room-1/');
    expect(checkTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(checkTimeZone('Europe/Kiev')).toBe('Europe/Kiev');
    expect(checkSlug('room-1')).toBe('room-1');
    expect(checkClearInterval(60)).toBe(60);
  });

  it('refuses with a sentence that says what to type instead', () => {
    expect(() => checkSlug('Room 1')).toThrow(InvalidInputError);
    expect(() => checkHttpUrl('https://u:p@dav.example.org/c/')).toThrow('not in the URL');
    expect(() => checkHttpUrl('ftp://dav.example.org/c/')).toThrow('Only http:// and https:// URLs');
    expect(() => checkTimeZone('Mars/Olympus')).toThrow('Unknown IANA time zone');
    expect(() => checkName(' padded')).toThrow('without leading/trailing spaces');
    expect(() => checkClearInterval(59)).toThrow('between 1 minute and 30 days');
  });
});
