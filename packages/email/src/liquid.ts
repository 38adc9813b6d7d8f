import { Liquid, Tag, type TagToken, type TopLevelToken } from 'liquidjs';
import { assertTimeZone } from './datetime.js';
import { strftime } from './strftime.js';

/**
 * Limits for admin-supplied templates. They are cooperative DoS guards inside liquidjs, not a JS
 * sandbox: the worker still renders inside a job with a timeout.
 */
export const liquidLimits = {
  /** Template source length in characters. */
  parseLimit: 100_000,
  /** Wall-clock render budget in milliseconds. */
  renderLimit: 2_000,
  /** Roughly: characters/array slots a render may allocate (stops `(1..100000000)` loops). */
  memoryLimit: 5_000_000,
} as const;

/** Tags that read other templates; an admin template must be self-contained. */
const fileTags = ['include', 'render', 'layout'] as const;

/** Refuses a file-reading tag at parse time, so `validateTemplate` reports it with its line. */
function disabledTag(name: string): new (token: TagToken, remain: TopLevelToken[], liquid: Liquid) => Tag {
  return class DisabledTag extends Tag {
    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
      super(token, remain, liquid);
      throw new Error(`tag "${name}" is not allowed: templates cannot read other files`);
    }
    *render(): Generator<unknown, void, unknown> {
      // Never reached: the constructor refuses the tag.
    }
  };
}

export interface EngineOptions {
  /** IANA zone the `date` filters (and default output) use. */
  timeZone: string;
  /** BCP 47 locale for month/day names in `date`. */
  locale: string;
  /** HTML-escape every `{{ output }}` (body) or not (subject, plain text). */
  escape: boolean;
  /** Throw on undefined variables (used when validating, to catch typos). */
  strictVariables?: boolean;
}

/**
 * A liquidjs engine set up for untrusted templates:
 * - `ownPropertyOnly` so `{{ name.constructor }}` and prototype walks read nothing;
 * - `strictFilters` so a misspelt filter is an error, not silently ignored;
 * - parse/render/memory limits;
 * - no file system: an empty in-memory template map plus `include`/`render`/`layout` disabled;
 * - `jsTruthy` so `""`, `0` and `null` are false as in the seed's Jinja2 templates;
 * - the `date` filters replaced by {@link strftime} in the calendar's zone (see there why).
 */
export function createEngine(options: EngineOptions): Liquid {
  const engine = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: options.strictVariables ?? false,
    lenientIf: true,
    jsTruthy: true,
    ...liquidLimits,
    outputEscape: options.escape ? 'escape' : undefined,
    locale: options.locale,
    templates: {},
    relativeReference: false,
    dynamicPartials: false,
    cache: false,
  });
  for (const name of fileTags) engine.registerTag(name, disabledTag(name));
  registerDateFilters(engine, options.timeZone, options.locale);
  return engine;
}

/** Longest strftime pattern accepted; real formats are a few dozen characters. */
const maxDateFormatLength = 200;

/**
 * What the `date` filters accept, like liquidjs: our datetime values (via `valueOf`), `Date`s,
 * `'now'`/`'today'`, epoch seconds (number or digit string) and date strings. Anything else, or an
 * unparseable string, is returned unchanged by the filter.
 */
function toInstant(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (value === 'now' || value === 'today') date = new Date();
  else if (typeof value === 'number') date = new Date(value * 1000);
  else if (typeof value === 'string') date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  else if (value instanceof Date) date = new Date(value.getTime());
  else if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'valueOf')) {
    date = new Date(Number((value as { valueOf: () => unknown }).valueOf()));
  }
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * `date: format[, zone]` plus liquidjs' fixed-format variants, all in the calendar's zone unless a
 * template passes another IANA zone explicitly.
 */
function registerDateFilters(engine: Liquid, timeZone: string, locale: string): void {
  const format = (value: unknown, pattern: string, zone: unknown, names = locale): unknown => {
    const date = toInstant(value);
    if (date === undefined) return value;
    if (pattern.length > maxDateFormatLength) throw new Error(`date format longer than ${maxDateFormatLength} characters`);
    let tz = timeZone;
    if (zone !== undefined && zone !== null) {
      tz = String(zone);
      assertTimeZone(tz);
    }
    return strftime(date, pattern, tz, names);
  };
  engine.registerFilter('date', (value: unknown, pattern?: unknown, zone?: unknown) =>
    format(value, pattern === undefined || pattern === null ? '%a, %-d %b %Y, %H:%M' : String(pattern), zone),
  );
  engine.registerFilter('date_to_xmlschema', (value: unknown) => format(value, '%Y-%m-%dT%H:%M:%S%:z', undefined));
  engine.registerFilter('date_to_rfc822', (value: unknown) =>
    format(value, '%a, %d %b %Y %H:%M:%S %z', undefined, 'en-US'),
  );
  engine.registerFilter('date_to_string', (value: unknown) => format(value, '%d %b %Y', undefined));
  engine.registerFilter('date_to_long_string', (value: unknown) => format(value, '%d %B %Y', undefined));
}
