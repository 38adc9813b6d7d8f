import { createCipheriv, createDecipheriv, hash, randomBytes, scryptSync } from 'node:crypto';

const VERSION = 'v1';

/** A stored secret that this SECRET_KEY cannot open: another key sealed it, or it was altered. */
export class SecretUnreadableError extends Error {
  override name = 'SecretUnreadableError';
}

/**
 * Encrypts CalDAV passwords at rest with AES-256-GCM. The key is derived from SECRET_KEY with
 * scrypt (a fixed, app-specific salt: the secret itself is the entropy, the salt only separates
 * this use of it from others). GCM authenticates, so a tampered value fails to decrypt.
 */
export function createSecretBox(secretKey: string) {
  const key = scryptSync(secretKey, 'roombook/caldav-password/v1', 32);
  return {
    encrypt(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(sealed: string): string {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined) {
        throw new SecretUnreadableError('not a roombook secret (wrong format)');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretUnreadableError('cannot decrypt secret: SECRET_KEY differs from the one that encrypted it');
      }
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;

/** API tokens are high-entropy random strings, so a plain SHA-256 (no salt, no KDF) is enough. */
export function hashToken(token: string): string {
  // one-shot hash: half the cost of createHash, and it runs on every authenticated request
  return hash('sha256', token, 'hex');
}

/** A new API token `rbk_<prefix>_<secret>`; the prefix is stored in clear to name the key. */
export function generateApiToken(): { token: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  const token = `rbk_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { token, prefix, hash: hashToken(token) };
}
