import { TemplateError } from './errors.js';
import { createEngine } from './liquid.js';
import { liquidTemplateError, renderNotification, renderWith, type NotificationTemplate, type RenderedNotification } from './render.js';
import { sampleVariables, type TemplateVariables } from './variables.js';

/** Zone used for validation; any zone works, one with DST exercises more of the date code. */
const validationTimeZone = 'Europe/Berlin';

/**
 * Checks a template before it is saved, so a broken template is refused in the admin's face
 * instead of failing in the mail queue later:
 * 1. both parts parse as Liquid (file-reading tags are refused);
 * 2. both render with each sample variable set (a deleted event; a cancelled, deprioritized
 *    occurrence with two overlaps), with undefined variables as errors so typos like `{{ nmae }}`
 *    are caught;
 * 3. the body's output is valid MJML under strict validation, and the subject is not empty.
 * @throws TemplateError with the part, the line in the template source (when known) and the problem.
 */
export async function validateTemplate(template: NotificationTemplate): Promise<void> {
  for (const [part, source, escape] of [
    ['subject', template.subject, false],
    ['body', template.body, true],
  ] as const) {
    if (source.trim() === '') throw new TemplateError(part, 'is empty');
    try {
      createEngine({ timeZone: validationTimeZone, locale: 'en-GB', escape }).parse(source);
    } catch (error) {
      throw liquidTemplateError(part, error);
    }
  }
  for (const kind of ['deleted', 'cancelled'] as const) {
    const rendered = await renderWith(
      { template, variables: sampleVariables(kind), timeZone: validationTimeZone },
      { strictVariables: true },
    );
    if (rendered.subject === '') throw new TemplateError('subject', `renders empty for the "${kind}" sample`);
  }
}

/**
 * Renders a template (or the built-in default, `null`) with sample data, for `template preview`.
 * @param options.variables - defaults to {@link sampleVariables}`('deleted')`.
 */
export async function previewTemplate(
  template: NotificationTemplate | null,
  timeZone: string,
  options: { variables?: TemplateVariables; locale?: string } = {},
): Promise<RenderedNotification> {
  return renderNotification({
    template,
    variables: options.variables ?? sampleVariables(),
    timeZone,
    ...(options.locale === undefined ? {} : { locale: options.locale }),
  });
}
