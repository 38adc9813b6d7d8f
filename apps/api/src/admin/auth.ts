import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

/** The console session's cookie: signed, HttpOnly, SameSite=Strict; its value is its expiry. */
export const SESSION_COOKIE = 'roombook_admin';
/** How long a console login lasts; a new login is needed after it. */
export const SESSION_TTL_MS = 8 * 3600_000;

export function safeEqual(a: string, b: string): boolean {
  // Hashing first makes the comparison constant-time also for inputs of another length.
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/**
 * The cookie signing key, derived from ADMIN_TOKEN: changing the token ends every session, and
 * there is no second secret to configure.
 */
export function cookieSecret(adminToken: string): string {
  return createHash('sha256').update(`roombook console session\0${adminToken}`).digest('base64url');
}

export function startSession(request: FastifyRequest, reply: FastifyReply, now = Date.now()): void {
  const expires = now + SESSION_TTL_MS;
  reply.setCookie(SESSION_COOKIE, String(expires), {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
    expires: new Date(expires),
  });
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** True when the request carries an unexpired session cookie with a valid signature. */
export function hasSession(request: FastifyRequest, now = Date.now()): boolean {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return false;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return false;
  const expires = Number(unsigned.value);
  return Number.isFinite(expires) && expires > now;
}

/** `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. */
export function hasAdminBearer(request: FastifyRequest, adminToken: string): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match !== null && safeEqual(match[1]!, adminToken);
}
