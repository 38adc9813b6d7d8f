import { inspect } from 'node:util';
import type { NotifyPayload } from '@roombook/queue';
import { describe, expect, it } from 'vitest';
import { describeSmtpSettings, SmtpConfigError, smtpSettings, toTemplateVariables } from '../src/index.js';

const base = { SMTP_STARTTLS: false, SMTP_TLS_REJECT_UNAUTHORIZED: true };

describe('smtpSettings', () => {
  it('is null (mail off) without SMTP_SERVER', () => {
    expect(smtpSettings(base)).toBeNull();
    expect(smtpSettings({ ...base, SMTP_EMAIL: 'rooms@example.org', SMTP_SERVER: '  ' })).toBeNull();
  });

  it('defaults to implicit TLS on 465 with SMTP_EMAIL as login', () => {
    const s = smtpSettings({ ...base, SMTP_SERVER: 'mail.example.org', SMTP_EMAIL: 'rooms@example.org', SMTP_PASSWORD: 'pw' });
    expect(s).toMatchObject({
      host: 'mail.example.org',
      port: 465,
      secure: true,
      requireTLS: false,
      auth: { user: 'rooms@example.org' },
      from: { name: undefined, address: 'rooms@example.org' },
      bcc: [],
      rejectUnauthorized: true,
    });
    expect(s?.auth?.pass).toBe('pw');
  });

  it('STARTTLS on 587, port override, user name, sender name, BCC list', () => {
    const s = smtpSettings({
      SMTP_SERVER: 'mail.example.org',
      SMTP_EMAIL: 'rooms@example.org',
      SMTP_PASSWORD: 'pw',
      SMTP_USER_NAME: 'svc-rooms',
      SMTP_SENDER_NAME: 'Room Booking',
      SMTP_BCC: ' audit@example.org, ,archive@example.org ',
      SMTP_STARTTLS: true,
      SMTP_TLS_REJECT_UNAUTHORIZED: false,
    });
    expect(s).toMatchObject({
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: 'svc-rooms' },
      from: { name: 'Room Booking', address: 'rooms@example.org' },
      bcc: ['audit@example.org', 'archive@example.org'],
      rejectUnauthorized: false,
    });
    expect(smtpSettings({ ...base, SMTP_SERVER: 'h', SMTP_EMAIL: 'a@b.c', SMTP_STARTTLS: true, SMTP_PORT: 2525 })?.port).toBe(2525);
  });

  it('sends without AUTH when there is no password', () => {
    expect(smtpSettings({ ...base, SMTP_SERVER: 'relay', SMTP_EMAIL: 'a@b.c', SMTP_PASSWORD: '' })?.auth).toBeNull();
  });

  it('needs a sender address', () => {
    expect(() => smtpSettings({ ...base, SMTP_SERVER: 'relay' })).toThrow(SmtpConfigError);
  });

  it('never shows the password when logged', () => {
    const s = smtpSettings({ ...base, SMTP_SERVER: 'mail.example.org', SMTP_EMAIL: 'rooms@example.org', SMTP_PASSWORD: 'hunter2-secret' });
    expect(s).not.toBeNull();
    expect(JSON.stringify(s)).not.toContain('hunter2-secret');
    expect(inspect(s, { depth: 5 })).not.toContain('hunter2-secret');
    expect(describeSmtpSettings(s!)).toBe('smtps://rooms@example.org@mail.example.org:465');
  });
});

describe('toTemplateVariables', () => {
  it('maps the mail job payload to the seed variables', () => {
    const payload: NotifyPayload = {
      calendarId: 7,
      clearJobId: 'clear-1',
      to: 'head-of-hr@my-awesome.org',
      event: {
        uid: 'be6d2d42',
        recurrence_id: '20250714T120000Z',
        name: 'Job Interviews',
        start: '2025-07-14T12:00:00Z',
        end: '2025-07-14T13:00:00Z',
        created: '2025-06-30T10:04:14Z',
        organizer: 'MAILTO:head-of-hr@my-awesome.org',
        is_deleted: false,
        is_cancelled: true,
        is_recurring: true,
        is_priorized: false,
        is_deprioritized: true,
      },
      overlap_events: [
        {
          name: 'Workers Council Meeting',
          start: '2025-07-14T12:00:00+00:00',
          end: '2025-07-14T13:00:00.000Z',
          created: null,
          organizer: null,
          is_priorized: true,
        },
      ],
    };
    expect(toTemplateVariables(payload, 'Meeting room 2')).toEqual({
      name: 'Job Interviews',
      start: new Date('2025-07-14T12:00:00Z'),
      end: new Date('2025-07-14T13:00:00Z'),
      created: new Date('2025-06-30T10:04:14Z'),
      is_deleted: false,
      is_cancelled: true,
      is_recurring: true,
      is_priorized: false,
      is_deprioritized: true,
      organizer: 'head-of-hr@my-awesome.org',
      overlap_events: [
        {
          name: 'Workers Council Meeting',
          start: new Date('2025-07-14T12:00:00Z'),
          end: new Date('2025-07-14T13:00:00Z'),
          created: null,
          organizer: null,
          is_priorized: true,
        },
      ],
      calendar_name: 'Meeting room 2',
    });
  });

  it('refuses an invalid instant', () => {
    const payload = {
      calendarId: 1,
      clearJobId: 'c',
      to: 'a@b.c',
      event: {
        uid: 'u', recurrence_id: null, name: 'n', start: 'yesterday', end: '2025-07-14T13:00:00Z', created: null,
        organizer: 'a@b.c', is_deleted: true, is_cancelled: false, is_recurring: false, is_priorized: false, is_deprioritized: false,
      },
      overlap_events: [],
    } satisfies NotifyPayload;
    expect(() => toTemplateVariables(payload, 'x')).toThrow(/event.start is not a valid date-time/);
  });
});
