import { Type, type TString } from 'typebox';

/**
 * Strings checked by a regular expression, with what a person should type instead. JSON Schema
 * has no keyword for a readable message, and the validator's own ("must match pattern
 * "^\d{4}-…"") helps nobody; the error handler looks the pattern up here to say what is expected.
 */
const expectations = new Map<string, string>();

/** A string schema with `pattern`, whose validation error reads "expected <expected>". */
export function patternString(pattern: string, expected: string, options: Parameters<typeof Type.String>[0] = {}): TString {
  expectations.set(pattern, expected);
  return Type.String({ ...options, pattern });
}

/** What a value failing `pattern` should have looked like, if the pattern was declared above. */
export function expectedFor(pattern: string): string | undefined {
  return expectations.get(pattern);
}

/** Any letter case: `[oO][nN]`, because JSON Schema patterns take no flags. */
export function caseInsensitive(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
}

export const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';
export const slugString = (options: Parameters<typeof Type.String>[0] = {}) =>
  patternString(SLUG_PATTERN, 'a calendar slug: 1-63 lowercase letters, digits and "-" (e.g. "meeting-room-1")', options);
