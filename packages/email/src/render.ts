import { convert } from 'html-to-text';
import { LiquidError } from 'liquidjs';
import { assertTimeZone, defaultLocale, templateDateTime, type TemplateDateTime } from './datetime.js';
import { defaultTemplate } from './default-template.js';
import { TemplateError, type TemplatePart } from './errors.js';
import { excerpt, sourceLineOf } from './line-map.js';
import { createEngine } from './liquid.js';
import { compileMjml, MjmlError } from './mjml.js';
import type { TemplateVariables } from './variables.js';

/** An admin's notification template: Liquid for a plain-text subject and an MJML body. */
export interface NotificationTemplate {
  subject: string;
  body: string;
}

export interface RenderInput {
  /** The calendar's template, or `null` for the built-in default. */
  template: NotificationTemplate | null;
  variables: TemplateVariables;
  /** IANA zone of the calendar; every datetime is shown in it. */
  timeZone: string;
  /** BCP 47 locale for datetime output; default `en-GB`. */
  locale?: string;
}

export interface RenderedNotification {
  /** Single line, not HTML-escaped (it is a header, not markup). */
  subject: string;
  html: string;
  /** Plain-text alternative derived from `html`. */
  text: string;
}

/** Upper bound for the MJML a body renders to; far above any real mail, well below trouble. */
const maxRenderedBodyChars = 1_000_000;

/** Internal knobs used by `validateTemplate`. */
export interface RenderMode {
  strictVariables: boolean;
}

/**
 * Renders a notification: Liquid (subject unescaped, body with every output HTML-escaped) ->
 * MJML (strict) -> HTML -> plain text.
 * @throws TemplateError when the template fails to parse/render or its MJML is invalid.
 * @throws RangeError for an unknown time zone.
 */
export async function renderNotification(input: RenderInput): Promise<RenderedNotification> {
  return renderWith(input, { strictVariables: false });
}

/** @internal Shared by {@link renderNotification} and validation. */
export async function renderWith(input: RenderInput, mode: RenderMode): Promise<RenderedNotification> {
  const template = input.template ?? defaultTemplate;
  const locale = input.locale ?? defaultLocale;
  assertTimeZone(input.timeZone);
  const scope = toLiquidScope(input.variables, input.timeZone, locale);
  const engineOptions = { timeZone: input.timeZone, locale, strictVariables: mode.strictVariables };

  const rawSubject = await renderLiquid('subject', template.subject, scope, { ...engineOptions, escape: false });
  // A header is one line; newlines from template layout would otherwise end up folded or refused.
  const subject = rawSubject.replace(/\s+/g, ' ').trim();

  const mjml = await renderLiquid('body', template.body, scope, { ...engineOptions, escape: true });
  if (mjml.length > maxRenderedBodyChars) {
    throw new TemplateError('body', `renders to more than ${maxRenderedBodyChars} characters`);
  }
  const html = await compileBody(template.body, mjml);
  return { subject, html, text: htmlToText(html) };
}

async function renderLiquid(
  part: TemplatePart,
  source: string,
  scope: Record<string, unknown>,
  options: Parameters<typeof createEngine>[0],
): Promise<string> {
  const engine = createEngine(options);
  try {
    return String(await engine.parseAndRender(source, scope));
  } catch (error) {
    throw liquidTemplateError(part, error);
  }
}

/** Turns a liquidjs error into a TemplateError carrying the line liquidjs located it at. */
export function liquidTemplateError(part: TemplatePart, error: unknown): TemplateError {
  if (!(error instanceof LiquidError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new TemplateError(part, message, undefined, { cause: error });
  }
  const [line, column] = error.token.getPosition();
  // liquidjs appends ", line:N, col:M" and sometimes a source excerpt; keep the first line only
  // and say where in our own words.
  const firstLine = (error.message.split('\n')[0] ?? '').replace(/, line:\d+, col:\d+$/, '');
  return new TemplateError(part, `${firstLine} (column ${column})`, line, { cause: error });
}

async function compileBody(source: string, mjml: string): Promise<string> {
  try {
    return await compileMjml(mjml);
  } catch (error) {
    if (!(error instanceof MjmlError)) throw error;
    const first = error.issues[0];
    const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more MJML problem(s))` : '';
    if (first?.line === undefined) {
      throw new TemplateError('body', `${first?.message ?? error.message}${more}`, undefined, { cause: error });
    }
    const line = sourceLineOf(source, mjml, first.line, first.tagName);
    const where = line === undefined ? ` (at "${excerpt(mjml, first.line)}", line ${first.line} after Liquid)` : '';
    throw new TemplateError('body', `invalid MJML: ${first.message}${where}${more}`, line, { cause: error });
  }
}

/**
 * Plain-text part. Headings keep their case (html-to-text upper-cases them by default), links show
 * their target only when it differs from their text, images and hidden preheaders are dropped,
 * blank-line runs are collapsed.
 */
function htmlToText(html: string): string {
  return convert(html, {
    // No hard wrapping: clients reflow text themselves, hard breaks at 78 columns chop sentences
    // on phones, and nodemailer's quoted-printable encoding keeps transport lines short anyway.
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      { selector: 'div[style*="display:none"]', format: 'skip' },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    ],
  })
    // Layout blocks (dividers, empty sections) leave runs of blank lines; one is enough.
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

type ScopeDateTime = TemplateDateTime | null;

/** Plain data for Liquid: booleans, strings, null and {@link TemplateDateTime}s only. */
export function toLiquidScope(variables: TemplateVariables, timeZone: string, locale: string): Record<string, unknown> {
  const dt = (date: Date): TemplateDateTime => templateDateTime(date, timeZone, locale);
  const optionalDt = (date: Date | null): ScopeDateTime => (date === null ? null : dt(date));
  return {
    name: variables.name,
    start: dt(variables.start),
    end: dt(variables.end),
    created: optionalDt(variables.created),
    is_deleted: variables.is_deleted,
    is_cancelled: variables.is_cancelled,
    is_recurring: variables.is_recurring,
    is_priorized: variables.is_priorized,
    is_deprioritized: variables.is_deprioritized,
    organizer: variables.organizer,
    overlap_events: variables.overlap_events.map((e) => ({
      name: e.name,
      start: dt(e.start),
      end: dt(e.end),
      created: optionalDt(e.created),
      organizer: e.organizer,
      is_priorized: e.is_priorized,
    })),
    calendar_name: variables.calendar_name,
  };
}
