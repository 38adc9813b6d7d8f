import { InvalidArgumentError } from 'commander';

import {
  InvalidInputError,
  checkClearInterval,
  checkEmail,
  checkHttpUrl,
  checkLocation,
  checkName,
  checkSlug,
  checkTimeZone,
  parseFeatureList,
} from '@roombook/service';

/**
 * Option parsers for commander's `argParser`. They throw InvalidArgumentError, which commander
 * reports as a usage error naming the option, before any database work starts. The rules
 * themselves live in @roombook/service, shared with the admin API.
 */

/** A service rule as a commander parser. */
export function asParser<I, T>(check: (value: I) => T): (value: I) => T {
  return (value) => {
    try {
      return check(value);
    } catch (error) {
      if (error instanceof InvalidInputError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** `3600`, `90s`, `15m`, `1h`, `1h30m`, `1d` -> seconds. */
export function parseDuration(value: string): number {
  let seconds: number | undefined;
  if (/^\d+$/.test(value)) seconds = Number(value);
  else {
    const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
    if (match && value !== '') {
      const [, d = '0', h = '0', m = '0', s = '0'] = match;
      seconds = Number(d) * 86_400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
    }
  }
  if (seconds === undefined) throw new InvalidArgumentError('Expected a duration like 15m, 1h, 1h30m or seconds (3600).');
  return asParser(checkClearInterval)(seconds);
}

/** A parser for whole numbers in [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

/** Positive database ids. */
export const parseId = integerIn(1, 2_147_483_647);

export const parseSlug = asParser(checkSlug);
export const parseHttpUrl = asParser(checkHttpUrl);
export const parseTimeZone = asParser(checkTimeZone);
export const parseEmail = asParser(checkEmail);
export const parseName = asParser(checkName);

/** Room attributes (issue 12); `--features projector,video-conf` is a comma-separated list. */
export const parseFeatures = asParser(parseFeatureList);
export const parseLocation = asParser(checkLocation);
