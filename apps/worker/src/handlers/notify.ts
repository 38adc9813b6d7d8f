import type { CalendarsRepository, EmailTemplatesRepository } from '@roombook/db';
import { TemplateError, isPermanentSmtpError, renderNotification, toTemplateVariables, type Mailer } from '@roombook/email';
import { JobErrorCode, NotifyPayload, parsePayload, type NotifyResult } from '@roombook/queue';
import type { Job } from 'bullmq';

import { JobFailure } from '../job-failure.js';
import { RECIPIENT_REFUSED, type RecipientCheck } from '../mail-policy.js';

export interface MailContext {
  calendars: CalendarsRepository;
  templates: EmailTemplatesRepository;
  mailer: Mailer;
  mailRecipients: () => Promise<RecipientCheck>;
}

/** liquidjs's limits are cooperative; this bounds a render however the template behaves. */
const RENDER_TIMEOUT_MS = 10_000;

/**
 * Renders the calendar's template (or the built-in one) for one losing organizer and sends it.
 * A failure here never touches the calendar: the clear that queued it has already finished.
 */
export async function notify(job: Job, ctx: MailContext): Promise<NotifyResult> {
  const payload = parsePayload(NotifyPayload, job.data);
  // The clear checks before queueing; this catches mails queued before a tighter setting (and
  // those of reconciled writes), so nothing is sent to a domain that is not allowed now.
  if (!(await ctx.mailRecipients())(payload.to)) throw new JobFailure(JobErrorCode.invalidPayload, RECIPIENT_REFUSED, true);
  const calendar = await ctx.calendars.requireById(payload.calendarId);
  const stored = calendar.templateId === null ? undefined : await ctx.templates.getById(calendar.templateId);
  let rendered;
  try {
    rendered = await Promise.race([
      renderNotification({
        template: stored ? { subject: stored.subject, body: stored.body } : null,
        variables: toTemplateVariables(payload, calendar.displayName),
        timeZone: calendar.timeZone,
      }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new JobFailure(JobErrorCode.internal, 'rendering the mail took too long', true)), RENDER_TIMEOUT_MS).unref(),
      ),
    ]);
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new JobFailure(JobErrorCode.invalidPayload, `template "${stored?.name ?? 'default'}" does not render: ${error.message}`, true);
    }
    throw error;
  }
  try {
    const sent = await ctx.mailer.send({
      to: payload.to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      // The job id derives from the calendar, the occurrence and the audit entry: a re-send after
      // a crash is the same message.
      messageKey: `roombook.${String(job.id)}`,
    });
    return { messageId: sent.messageId, to: payload.to, accepted: sent.accepted };
  } catch (error) {
    throw new JobFailure(JobErrorCode.internal, `mail to ${payload.to} failed: ${(error as Error).message}`, isPermanentSmtpError(error));
  }
}
