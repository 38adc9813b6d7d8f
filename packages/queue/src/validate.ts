import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/** A payload that does not match its schema; the worker turns it into an UnrecoverableError. */
export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}

/**
 * Compiled validators by schema: compiling is far dearer than checking, and it was done for every
 * job (issue 9). The schemas are module constants, so this holds a handful of entries.
 */
const validators = new WeakMap<TSchema, ReturnType<typeof Compile>>();

function validatorFor<T extends TSchema>(schema: T): ReturnType<typeof Compile<T>> {
  let validator = validators.get(schema);
  if (!validator) {
    validator = Compile(schema);
    validators.set(schema, validator);
  }
  return validator as ReturnType<typeof Compile<T>>;
}

/** Re-validates job data in the worker: Redis is shared state, never trust what comes out of it. */
export function parsePayload<T extends TSchema>(schema: T, data: unknown): Static<T> {
  const validator = validatorFor(schema);
  if (validator.Check(data)) return data as Static<T>;
  const problems = [...validator.Errors(data)].map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new InvalidPayloadError(`invalid job payload: ${problems.join('; ')}`);
}
