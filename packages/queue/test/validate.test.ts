import { describe, expect, it } from 'vitest';

import { CreateEventPayload, DeleteEventPayload, InvalidPayloadError, parsePayload } from '../src/index.js';

const valid = {
  calendarId: 3,
  userId: 7,
  uid: 'x8Hq2mZ0bP1rT5kV9wY3aC',
  name: 'Team meeting',
  start: '2030-07-01T10:00:00.000Z',
  end: '2030-07-01T11:00:00.000Z',
  timeZone: 'Europe/Berlin',
};

/** The InvalidPayloadError parsePayload throws for `data`. */
function refusal(data: unknown, schema: typeof CreateEventPayload | typeof DeleteEventPayload = CreateEventPayload) {
  try {
    parsePayload(schema, data);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as Error).name).toBe('InvalidPayloadError');
    expect((error as Error).message).toMatch(/^invalid job payload: /);
    return error as InvalidPayloadError;
  }
  throw new Error(`parsePayload accepted ${JSON.stringify(data)}`);
}

function without(key: keyof typeof valid): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...valid };
  delete copy[key];
  return copy;
}

describe('parsePayload(CreateEventPayload)', () => {
  it('returns a valid payload as it is, with or without the optional fields', () => {
    expect(parsePayload(CreateEventPayload, valid)).toBe(valid);
    const full = { ...valid, description: 'Quarterly review', organizer: 'alice@example.org', start: '2030-07-01T12:00:00+02:00' };
    expect(parsePayload(CreateEventPayload, full)).toEqual(full);
  });

  it.each(['calendarId', 'userId', 'uid', 'name', 'start', 'end', 'timeZone'] as const)('names the missing field %s', (key) => {
    expect(refusal(without(key)).message).toBe(`invalid job payload: / must have required properties ${key}`);
  });

  it('names every missing field at once', () => {
    expect(refusal({}).message).toContain('calendarId, userId, uid, name, start, end, timeZone');
  });

  it.each([
    ['calendarId', '3', /\/calendarId must be integer/],
    ['calendarId', 3.5, /\/calendarId must be integer/],
    ['userId', null, /\/userId must be integer/],
    ['uid', 42, /\/uid must be string/],
    ['uid', '', /\/uid must not have fewer than 1 characters/],
    ['name', 'x'.repeat(256), /\/name must not have more than 255 characters/],
    ['timeZone', '', /\/timeZone /],
    ['description', ['a'], /\/description must be string/],
    ['start', 1_782_900_000_000, /\/start must be string/],
  ] as const)('refuses %s = %j, naming the field', (key, value, message) => {
    expect(refusal({ ...valid, [key]: value }).message).toMatch(message);
  });

  it.each(['tomorrow', '2030-07-01', '2030-07-01T10:00:00', '2030-07-01 10:00:00Z', '2030-07-01T10:00Z', '2030-02-30T10:00:00Z', '2030-07-01T25:00:00Z', ''])(
    'refuses the date-time %j (TypeBox checks `format` out of the box)',
    (value) => {
      expect(refusal({ ...valid, end: value }).message).toMatch(/^invalid job payload: \/end must match format "date-time"(; \/end must match pattern .*)?$/);
    },
  );

  it.each(['alice', 'alice@', '@example.org', 'alice smith@example.org', 'Alice <alice@example.org>', 'mailto:alice@example.org'])(
    'refuses the organizer %j as an e-mail address',
    (value) => {
      expect(refusal({ ...valid, organizer: value }).message).toBe('invalid job payload: /organizer must match format "email"');
    },
  );

  it('lists every problem, each with its path', () => {
    const message = refusal({ ...valid, calendarId: 'x', start: 'soon', organizer: 'nobody' }).message;
    expect(message).toContain('/calendarId must be integer');
    expect(message).toContain('/start must match format "date-time"');
    expect(message).toContain('/organizer must match format "email"');
  });

  it.each([null, undefined, 'a string', 42, []])('refuses %j as not an object', (data) => {
    expect(refusal(data).message).toContain('/ must be object');
  });

  // TypeBox's date-time follows RFC 3339 + RFC 9557 and admits these, but `new Date()` in the worker
  // reads them as Invalid Date, so the job schemas refuse them.
  it.each(['2030-07-01T10:00:00Z[Europe/Berlin]', '2030-06-30T23:59:60Z'])('refuses %s, which new Date() cannot read', (start) => {
    expect(refusal({ ...valid, start }).message).toContain('/start');
  });
});

describe('parsePayload(DeleteEventPayload)', () => {
  it('accepts a valid payload and names a bad field', () => {
    const payload = { calendarId: 1, userId: 2, uid: 'abc' };
    expect(parsePayload(DeleteEventPayload, payload)).toBe(payload);
    expect(refusal({ calendarId: 1, userId: 2, uid: 'x'.repeat(256) }, DeleteEventPayload).message).toContain('/uid');
  });
});
