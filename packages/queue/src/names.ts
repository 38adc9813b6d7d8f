/** Queue names (kebab-case); job names are per queue. */
export const QueueName = {
  calendar: 'calendar',
  mail: 'mail',
  /** Keeps the calendar store (PostgreSQL) in step with each room's server (issues 9 and 12). */
  mirror: 'mirror',
  /** Signed event deliveries to users' webhooks (issue 12). */
  webhook: 'webhook',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const CalendarJob = {
  createEvent: 'create-event',
  deleteEvent: 'delete-event',
  clearCalendar: 'clear-calendar',
} as const;
export type CalendarJobName = (typeof CalendarJob)[keyof typeof CalendarJob];

export const MailJob = {
  notify: 'notify',
} as const;
export type MailJobName = (typeof MailJob)[keyof typeof MailJob];

export const MirrorJob = {
  refresh: 'refresh-calendar',
} as const;
export type MirrorJobName = (typeof MirrorJob)[keyof typeof MirrorJob];

export const WebhookJob = {
  deliver: 'deliver',
} as const;
export type WebhookJobName = (typeof WebhookJob)[keyof typeof WebhookJob];
