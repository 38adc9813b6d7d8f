import type { Occurrence } from './types.js';

/**
 * Decides whether occurrences are prioritized (design §5 step 4): the DESCRIPTION contains one of
 * the calendar's active priority tokens, or the event was booked through the API with
 * `prioritized: true` by a key allowed to.
 */
export class PriorityMatcher {
  private readonly tokens: readonly string[];

  /**
   * @param tokens active tokens valid for the calendar. Empty tokens are dropped: `''` is a
   *   substring of every text and would silently prioritize every event.
   */
  constructor(tokens: readonly string[]) {
    this.tokens = [...new Set(tokens.filter((token) => token.length > 0))];
  }

  /** True when the occurrence is prioritized. Token matching is a plain, case-sensitive substring test, as in the seed. */
  isPrioritized(occurrence: Occurrence): boolean {
    if (occurrence.prioritizedFlag === true) return true;
    const description = occurrence.description;
    if (description === null || description.length === 0) return false;
    return this.tokens.some((token) => description.includes(token));
  }
}
