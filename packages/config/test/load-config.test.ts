import { describe, expect, it } from 'vitest';
import { ApiEnv, ConfigError, DbEnv, SecretEnv, SmtpEnv, TimeEnv, composeEnv, loadConfig } from '../src/index.js';

describe('loadConfig', () => {
  const schema = composeEnv(DbEnv, ApiEnv, TimeEnv);

  it('applies defaults and converts numbers', () => {
    const config = loadConfig(schema, { PORT: '9000' });
    expect(config.PORT).toBe(9000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/roombook');
    expect(config.TIME_ZONE).toBe('UTC');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig(schema, { PORT: '' }).PORT).toBe(8000);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig(schema, { PORT: 'eighty' })).toThrowError(/PORT/);
    expect(() => loadConfig(schema, { DATABASE_URL: 'mysql://x' })).toThrowError(/DATABASE_URL/);
  });

  it('names a missing required variable', () => {
    try {
      loadConfig(composeEnv(SecretEnv), {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toContain('SECRET_KEY');
    }
  });

  it('rejects an unknown time zone', () => {
    expect(() => loadConfig(schema, { TIME_ZONE: 'Mars/Olympus' })).toThrowError(/TIME_ZONE/);
    expect(loadConfig(schema, { TIME_ZONE: 'Europe/Berlin' }).TIME_ZONE).toBe('Europe/Berlin');
  });

  it('parses SMTP booleans', () => {
    const smtp = loadConfig(composeEnv(SmtpEnv), { SMTP_STARTTLS: 'true', SMTP_PORT: '587' });
    expect(smtp.SMTP_STARTTLS).toBe(true);
    expect(smtp.SMTP_PORT).toBe(587);
    expect(smtp.SMTP_TLS_REJECT_UNAUTHORIZED).toBe(true);
  });
});
