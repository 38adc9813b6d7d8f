import { describe, expect, it } from 'vitest';

import {
  InvalidInputError,
  checkCapacity,
  checkClearInterval,
  checkFeatures,
  checkHttpUrl,
  checkLocation,
  checkName,
  checkSlug,
  checkTimeZone,
  parseFeatureList,
} from '../src/index.js';

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

describe('room attribute rules (issue 12)', () => {
  it('accepts a head count, feature slugs (repeats dropped, order kept) and a one-line location', () => {
    expect(checkCapacity(1)).toBe(1);
    expect(checkFeatures(['video-conf', ' projector', 'video-conf'])).toEqual(['video-conf', 'projector']);
    expect(parseFeatureList('projector, whiteboard')).toEqual(['projector', 'whiteboard']);
    expect(parseFeatureList('  ')).toEqual([]);
    expect(checkLocation('Building B, 2nd floor')).toBe('Building B, 2nd floor');
  });

  it('refuses the rest, saying what to type instead', () => {
    expect(() => checkCapacity(0)).toThrow('whole number of people from 1');
    expect(() => checkCapacity(1.5)).toThrow(InvalidInputError);
    expect(() => checkFeatures(['Projector'])).toThrow('"Projector" is not a feature name');
    expect(() => checkFeatures(['x'.repeat(41)])).toThrow('is not a feature name');
    expect(() => checkFeatures(Array.from({ length: 33 }, (_, i) => `f${i}`))).toThrow('At most 32 features');
    expect(() => checkLocation('x'.repeat(201))).toThrow('1-200 characters');
    expect(() => checkLocation('line\nbreak')).toThrow('on one line');
  });
});
