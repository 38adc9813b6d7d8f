import { describe, expect, it } from 'vitest';

import { InvalidInputError, checkWebhookEvents, checkWebhookUrl, refusedWebhookAddress, refusedWebhookTarget } from '../src/index.js';

describe('webhook URLs', () => {
  it('accept http(s) URLs as given', () => {
    expect(checkWebhookUrl('https://hooks.example.org/roombook?team=7')).toBe('https://hooks.example.org/roombook?team=7');
    expect(checkWebhookUrl('http://intranet.example.org:8080/in')).toBe('http://intranet.example.org:8080/in');
  });

  it.each([
    ['ftp://hooks.example.org/x', /Only http/],
    ['hooks.example.org/x', /Not a URL/],
    ['https://user:pass@hooks.example.org/x', /credentials/],
    ['https://hooks.example.org/x#part', /fragment/],
    [`https://hooks.example.org/${'x'.repeat(2000)}`, /at most 2000/],
  ])('refuse %s', (url, message) => {
    expect(() => checkWebhookUrl(url)).toThrow(InvalidInputError);
    expect(() => checkWebhookUrl(url)).toThrow(message);
  });
});

describe('webhook event lists', () => {
  it('keep known types once each; an empty list means every type', () => {
    expect(checkWebhookEvents('booking.created, clear.completed,booking.created')).toEqual(['booking.created', 'clear.completed']);
    expect(checkWebhookEvents('')).toEqual([]);
    expect(checkWebhookEvents([])).toEqual([]);
  });

  it('name the unknown types and the known ones', () => {
    expect(() => checkWebhookEvents('booking.created,booking.moved')).toThrow(/"booking.moved".*known: booking.created, booking.failed/);
    expect(() => checkWebhookEvents('booking.created,')).toThrow(/""/);
  });
});

describe('webhook target addresses', () => {
  it('refuse link-local, metadata and unspecified addresses even when private ones are allowed', () => {
    for (const ip of ['169.254.169.254', '::ffff:169.254.169.254', 'fe80::1', 'fd00:ec2::254', '0.0.0.0', '::']) {
      expect(refusedWebhookAddress(ip, true), ip).toMatch(/link-local or unspecified/);
    }
  });

  it('refuse loopback and private ranges unless allowed', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.5', '192.168.1.10', '100.64.0.1', '::1', 'fd12:3456::1', '::ffff:10.0.0.1']) {
      expect(refusedWebhookAddress(ip, false), ip).toMatch(/WEBHOOK_ALLOW_PRIVATE_ADDRESSES/);
      expect(refusedWebhookAddress(ip, true), ip).toBeUndefined();
    }
  });

  it('let public addresses through', () => {
    for (const ip of ['93.184.215.14', '172.32.0.1', '2606:4700::1111']) expect(refusedWebhookAddress(ip, false), ip).toBeUndefined();
  });

  it('check literal hosts and localhost names in URLs', async () => {
    expect(await refusedWebhookTarget(new URL('http://[::1]:8080/x'), false)).toMatch(/::1 is a loopback/);
    expect(await refusedWebhookTarget(new URL('http://localhost:8080/x'), false)).toMatch(/localhost is a loopback name/);
    expect(await refusedWebhookTarget(new URL('http://127.0.0.1:8080/x'), true)).toBeUndefined();
    expect(await refusedWebhookTarget(new URL('http://169.254.169.254/latest/meta-data'), true)).toMatch(/link-local/);
  });
});
