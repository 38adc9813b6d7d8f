/** Which part of a notification template a problem was found in. */
export type TemplatePart = 'subject' | 'body';

/**
 * A template that cannot be used: Liquid does not parse or render, or the rendered body is not
 * valid MJML. Thrown by {@link validateTemplate} when an admin saves a template and by
 * `renderNotification` when a stored template fails at send time (the worker should treat it as
 * permanent: retrying renders the same error).
 *
 * The message always names the part and, when known, the 1-based line in the template source,
 * e.g. `body, line 4: Element mj-txt doesn't exist or is not registered`.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  /** Subject or body. */
  readonly part: TemplatePart;
  /** 1-based line in the template source, when it could be determined. */
  readonly line: number | undefined;
  /** The problem without the location prefix. */
  readonly problem: string;

  constructor(part: TemplatePart, problem: string, line?: number, options?: { cause?: unknown }) {
    super(`${part}${line === undefined ? '' : `, line ${line}`}: ${problem}`, options);
    this.part = part;
    this.line = line;
    this.problem = problem;
  }
}
