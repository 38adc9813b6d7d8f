/**
 * Refusals of the service layer. Each carries what a front end needs to word its answer: the CLI
 * prints the message and its own hint (`--force`, `--no-verify`); an HTTP API maps `kind` to a
 * status (409 for dependents, 422 for a failed verification).
 */
export class ServiceError extends Error {
  override name = 'ServiceError';
}

/** The operation would take other things with it; `dependents` lists them in words. */
export class HasDependentsError extends ServiceError {
  override name = 'HasDependentsError';
  constructor(
    readonly subject: string,
    readonly dependents: string[],
  ) {
    super(`${subject} is still in use: ${dependents.join('; ')}`);
  }
}

/** The CalDAV server did not accept the URL and credentials as a calendar; nothing was saved. */
export class VerificationError extends ServiceError {
  override name = 'VerificationError';
  constructor(
    readonly problem: string,
    message: string,
  ) {
    super(message);
  }
}
