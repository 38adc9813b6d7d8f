import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createSecretBox, generateApiToken, hashToken } from '../src/secret-box.js';

// Pure unit tests: no database, and no @roombook/testing (db cannot depend on it).
const KEY = 'unit-test-secret-key-0123456789';
const box = createSecretBox(KEY);

/** Flips one bit of one base64url part of a sealed secret (`v1:<iv>:<tag>:<body>`). */
function tamper(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join(':');
}

describe('createSecretBox', () => {
  it.each(['rooms-pass', '', 'pässwörd with ünïcode ✓ and :colons:', 'x'.repeat(10_000)])(
    'round-trips %#',
    (plain) => {
      expect(box.decrypt(box.encrypt(plain))).toBe(plain);
    },
  );

  it('decrypts with a second box made from the same key (the key is derived deterministically)', () => {
    expect(createSecretBox(KEY).decrypt(box.encrypt('shared'))).toBe('shared');
  });

  it('uses a fresh IV each time: two encryptions of the same text differ', () => {
    const a = box.encrypt('same text');
    const b = box.encrypt('same text');
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
    expect(box.decrypt(a)).toBe(box.decrypt(b));
  });

  it('writes v1:<iv>:<tag>:<ciphertext> in base64url, 12-byte IV, 16-byte tag, no plaintext', () => {
    const sealed = box.encrypt('rooms-pass');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*$/);
    const [, iv, tag, body] = sealed.split(':');
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    // GCM is a stream mode: the ciphertext is as long as the UTF-8 plaintext.
    expect(Buffer.from(body!, 'base64url')).toHaveLength(Buffer.byteLength('rooms-pass'));
    expect(sealed).not.toContain('rooms-pass');
  });

  it.each([
    ['the ciphertext', 3],
    ['the auth tag', 2],
    ['the IV', 1],
  ] as const)('refuses a value with tampered %s', (_what, part) => {
    const sealed = tamper(box.encrypt('rooms-pass'), part);
    expect(() => box.decrypt(sealed)).toThrow(/^cannot decrypt secret: SECRET_KEY differs/);
  });

  it('refuses a value encrypted with another SECRET_KEY, naming the key as the likely cause', () => {
    const sealed = createSecretBox('another-secret-key-987654321').encrypt('rooms-pass');
    expect(() => box.decrypt(sealed)).toThrow('cannot decrypt secret: SECRET_KEY differs from the one that encrypted it');
  });

  it.each(['rooms-pass', '', 'v2:a:b:c', 'v1:a:b', 'v1::tag:body', 'v1:iv::body'])('refuses %j as the wrong format', (value) => {
    expect(() => box.decrypt(value)).toThrow('not a roombook secret (wrong format)');
  });
});

describe('API tokens', () => {
  it('hashToken is the SHA-256 hex digest of the UTF-8 token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = 'rbk_ünï_✓';
    expect(hashToken(token)).toBe(createHash('sha256').update(Buffer.from(token, 'utf8')).digest('hex'));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('generateApiToken gives rbk_<8-char prefix>_<32-char secret>, with the prefix in clear and the hash of the token', () => {
    const { token, prefix, hash } = generateApiToken();
    expect(prefix).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(token).toMatch(/^rbk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
    expect(token.startsWith(`rbk_${prefix}_`)).toBe(true);
    expect(hash).toBe(createHash('sha256').update(token, 'utf8').digest('hex'));
    expect(hash).toBe(hashToken(token));
  });

  it('generateApiToken never repeats a token or (in a small sample) a prefix', () => {
    const tokens = Array.from({ length: 200 }, () => generateApiToken());
    expect(new Set(tokens.map((t) => t.token)).size).toBe(200);
    expect(new Set(tokens.map((t) => t.prefix)).size).toBe(200);
  });
});
