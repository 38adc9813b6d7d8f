import { createHmac } from 'node:crypto';

import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

import { messageIdFor } from '../src/webhooks/events.js';
import { signDelivery } from '../src/webhooks/signature.js';

describe('webhook signatures (Standard Webhooks)', () => {
  it('match the specification\'s example signature', () => {
    // The example of the Standard Webhooks specification (secret, id, timestamp, body -> signature).
    const headers = signDelivery('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330_000), '{"test": 2432232314}');
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('are the HMAC-SHA256 of id.timestamp.body under the decoded secret, and verify; another body does not', () => {
    const key = Buffer.from('roombook webhook key of 32 bytes');
    const secret = `whsec_${key.toString('base64')}`;
    const body = JSON.stringify({ type: 'booking.created', timestamp: '2027-01-04T10:00:00.000Z', data: { calendar: 'räume-1', event: { name: 'Ünïcode ✓' } } });
    const at = new Date();
    const headers = signDelivery(secret, 'msg_abc', at, body);
    const expected = createHmac('sha256', key).update(`msg_abc.${Math.floor(at.getTime() / 1000)}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('räume-1', 'raeume-1'), { ...headers })).toThrow(/signature/i);
  });
});

describe('webhook message ids', () => {
  it('are the same when the same job reports the same thing again, and differ otherwise', () => {
    expect(messageIdFor('42', 'booking.created')).toBe(messageIdFor('42', 'booking.created'));
    const ids = [
      messageIdFor('42', 'booking.created'),
      messageIdFor('43', 'booking.created'),
      messageIdFor('42', 'booking.failed'),
      messageIdFor('42', 'booking.removed', 'uid-1\u0000'),
      messageIdFor('42', 'booking.removed', 'uid-1\u000020270104T100000Z'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    // BullMQ refuses ":" in custom job ids; the spec wants ids that are safe in a header.
    for (const id of ids) expect(id).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});
