import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/** A payload that does not match its schema; the worker turns it into an UnrecoverableError. */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}

/** Re-validates job data in the worker: Redis is shared state, never trust what comes out of it. */
export function parsePayload<T extends TSchema>(schema: T, data: unknown): Static<T> {
  const validator = Compile(schema);
  if (validator.Check(data)) return data as Static<T>;
  const problems = [...validator.Errors(data)].map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new InvalidPayloadError(`invalid job payload: ${problems.join('; ')}`);
}
