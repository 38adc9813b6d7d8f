import { ConflictError, NotFoundError } from '@roombook/db';
import {
  CalendarBusyError,
  HasDependentsError,
  LockUnavailableError,
  PolicyError,
  InvalidInputError,
  RestoreRefusedError,
  ServiceError,
  TemplateInvalidError,
  VerificationError,
} from '@roombook/service';

import { HttpProblem, problem } from '../problems.js';

/**
 * Service refusals as problem documents; the console shows the same `detail` next to its form.
 * Anything else is left to the API's error handler (a 500 that echoes nothing).
 */
export function serviceProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof NotFoundError) return problem.notFound(error.message);
  if (error instanceof ConflictError) return problem.conflict(error.message);
  if (error instanceof HasDependentsError) {
    return new HttpProblem(409, '/problems/has-dependents', 'Still in use', `${error.message}. Nothing was changed; send force=true to go ahead anyway`, {
      dependents: error.dependents,
    });
  }
  if (error instanceof VerificationError) {
    return new HttpProblem(422, '/problems/calendar-not-verified', 'Calendar not verified', `calendar not saved: ${error.message}`, {
      problem: error.problem,
    });
  }
  if (error instanceof TemplateInvalidError) {
    return new HttpProblem(422, '/problems/template-invalid', 'Template invalid', error.message, { part: error.part, line: error.line ?? null });
  }
  if (error instanceof RestoreRefusedError) return new HttpProblem(409, '/problems/restore-refused', 'Restore refused', error.message);
  if (error instanceof InvalidInputError) return problem.validation(error.message, []);
  if (error instanceof PolicyError) return problem.validation(error.message, [{ field: `body.${error.field}`, message: error.message }]);
  if (error instanceof CalendarBusyError) return new HttpProblem(409, '/problems/calendar-busy', 'Calendar busy', error.message);
  if (error instanceof LockUnavailableError) return new HttpProblem(503, '/problems/unavailable', 'Service unavailable', error.message);
  if (error instanceof ServiceError) return new HttpProblem(502, '/problems/caldav', 'CalDAV failed', error.message);
  return undefined;
}

/** Runs a service call and turns its refusals into problems. */
export async function viaService<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw serviceProblem(error) ?? error;
  }
}
