import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

import { expectedFor } from './schemas/expected.js';

export interface FieldError {
  /** where the bad value is: `body.end`, `params.calendar`, `header.idempotency-key`… */
  field: string;
  message: string;
}

/**
 * An expected HTTP outcome, rendered as an RFC 9457 problem document. Routes throw these; the one
 * error handler below renders them. `type` is a stable, documented URI reference per kind.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export const problem = {
  validation: (detail: string, errors: FieldError[]) =>
    new HttpProblem(400, '/problems/validation', 'Invalid request', detail, { errors }),
  unauthorized: (detail = 'a valid API key is required (Authorization: Bearer <key>)') =>
    new HttpProblem(401, '/problems/unauthorized', 'Unauthorized', detail),
  forbidden: (detail: string) => new HttpProblem(403, '/problems/forbidden', 'Forbidden', detail),
  notFound: (detail: string) => new HttpProblem(404, '/problems/not-found', 'Not found', detail),
  conflict: (detail: string) => new HttpProblem(409, '/problems/conflict', 'Conflict', detail),
  idempotencyMismatch: () =>
    new HttpProblem(
      422,
      '/problems/idempotency-key-reused',
      'Idempotency-Key reused',
      'this Idempotency-Key was already used with a different request',
    ),
  unavailable: (detail: string) =>
    new HttpProblem(503, '/problems/unavailable', 'Service unavailable', detail),
  /** issue 11: the room is taken when the booking is made; `extra` carries the clashes */
  bookingConflict: (detail: string, extra: Record<string, unknown>) => new HttpProblem(409, '/problems/conflict', 'Room taken', detail, extra),
  /** issue 11: the booking breaks one of the calendar's rules */
  bookingRule: (rule: string, detail: string, extra: Record<string, unknown> = {}) =>
    new HttpProblem(422, '/problems/booking-rule', 'Booking rule', detail, { rule, ...extra }),
  jobFailed: (status: number, code: string, detail: string, job: unknown) =>
    new HttpProblem(status, `/problems/job-${code.toLowerCase().replaceAll('_', '-')}`, 'Job failed', detail, { job }),
};

/** Errors from the Redis and PostgreSQL clients that mean "dependency down", not "bug". */
function isDependencyDown(error: unknown, depth = 0): boolean {
  const e = error as { code?: string; message?: string; name?: string; cause?: unknown };
  // drizzle wraps driver errors (DrizzleQueryError) and keeps the original as `cause`.
  if (e.cause && depth < 3 && isDependencyDown(e.cause, depth + 1)) return true;
  const codes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'EHOSTUNREACH', 'ENOTFOUND'];
  if (e.code && codes.includes(e.code)) return true;
  const message = e.message ?? '';
  return (
    message.includes("Stream isn't writeable") ||
    message.includes('Connection is closed') ||
    message.includes('enableOfflineQueue') ||
    e.name === 'RedisUnavailableError' ||
    e.name === 'MaxRetriesPerRequestError'
  );
}

interface AjvError {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * One validator error in words a person can act on: the field named (an unknown property is
 * the field, not its parent object), and for patterns what to type instead of the expression.
 */
function fieldError(context: string, v: AjvError): FieldError {
  const params = v.params ?? {};
  const path = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const at = (...parts: (string | undefined)[]) => [context, path, ...parts].filter(Boolean).join('.');
  if (typeof params['missingProperty'] === 'string') return { field: at(params['missingProperty']), message: 'is required' };
  if (typeof params['additionalProperty'] === 'string') {
    return { field: at(params['additionalProperty']), message: 'is not a known field' };
  }
  if (v.keyword === 'pattern' && typeof params['pattern'] === 'string') {
    const expected = expectedFor(params['pattern']);
    if (expected) return { field: at(), message: `must be ${expected}` };
  }
  // A body that arrived as text (Content-Type: text/plain) is a string, not the object expected.
  if (v.keyword === 'type' && context === 'body' && path === '' && params['type'] === 'object') {
    return { field: 'body', message: 'must be a JSON object, sent with the header "Content-Type: application/json"' };
  }
  if (v.keyword === 'format' && params['format'] === 'email') return { field: at(), message: 'must be an e-mail address like someone@example.org' };
  return { field: at(), message: v.message ?? 'is invalid' };
}

function fastifyValidationProblem(error: FastifyError): HttpProblem {
  const context = error.validationContext ?? 'body';
  const errors: FieldError[] = (error.validation ?? []).map((v) => fieldError(context, v as AjvError));
  const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ') || error.message;
  return problem.validation(detail, errors);
}

function toProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  const fe = error as FastifyError;
  if (fe.validation) return fastifyValidationProblem(fe);
  if (isDependencyDown(error)) return problem.unavailable('a backing service (PostgreSQL or Redis) is unavailable; try again later');
  if (typeof fe.code === 'string' && fe.code.startsWith('FST_BEARER_AUTH')) return problem.unauthorized();
  if (fe.statusCode === 415) {
    return new HttpProblem(
      415,
      '/problems/unsupported-media-type',
      'Unsupported media type',
      `${fe.message}; send the body as JSON with the header "Content-Type: application/json"`,
    );
  }
  if (fe.statusCode === 413) return new HttpProblem(413, '/problems/payload-too-large', 'Payload too large', fe.message);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new HttpProblem(fe.statusCode, '/problems/bad-request', 'Bad request', fe.message);
  }
  return undefined;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, p: HttpProblem) {
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send({ type: p.type, title: p.title, status: p.status, detail: p.message, instance: request.url, ...p.extra });
}

/**
 * The one error handler: every error leaves as application/problem+json. 5xx details are logged,
 * never echoed (they may carry internals); dependency outages become 503 so clients retry.
 */
export const problemsPlugin = fp(
  async function problems(app: FastifyInstance) {
    app.setErrorHandler((error, request, reply) => {
      const known = toProblem(error);
      if (known) {
        if (known.status >= 500) request.log.warn({ err: error }, known.message);
        return sendProblem(request, reply, known);
      }
      request.log.error({ err: error, method: request.method, url: request.url }, 'unhandled error');
      return sendProblem(
        request,
        reply,
        new HttpProblem(500, '/problems/internal', 'Internal server error', 'an unexpected error occurred'),
      );
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(request, reply, problem.notFound(`no route ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'problems' },
);
