/**
 * @roombook/email — the notification a losing organizer receives after a clear: Liquid templates
 * (seed-compatible variables) rendered to MJML -> HTML + plain text, strict template validation,
 * and SMTP delivery configured from the seed's SMTP_* variables.
 */
export { TemplateError, type TemplatePart } from './errors.js';
export {
  toTemplateVariables,
  sampleVariables,
  type TemplateVariables,
  type OverlapEventVariables,
} from './variables.js';
export { formatDateTime, defaultLocale, type TemplateDateTime } from './datetime.js';
export { liquidLimits } from './liquid.js';
export { defaultTemplate, defaultSubjectTemplate, defaultBodyTemplate } from './default-template.js';
export {
  renderNotification,
  type NotificationTemplate,
  type RenderInput,
  type RenderedNotification,
} from './render.js';
export { validateTemplate, previewTemplate } from './validate.js';
export {
  smtpSettings,
  describeSmtpSettings,
  defaultSmtpTimeouts,
  SmtpConfigError,
  type SmtpSettings,
} from './smtp-settings.js';
export {
  createMailer,
  isPermanentSmtpError,
  SmtpSendError,
  type Mailer,
  type OutgoingMail,
  type SendResult,
} from './mailer.js';
