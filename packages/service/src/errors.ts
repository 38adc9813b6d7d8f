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

/**
 * A restore that would overwrite something not ours (a newer version, a failed entry) or that
 * has nothing to put back; nothing was changed. An HTTP API answers 409.
 */
export class RestoreRefusedError extends ServiceError {
  override name = 'RestoreRefusedError';
}

/** A mail template that does not parse, render or validate; `line` is in the part's source, when known. */
export class TemplateInvalidError extends ServiceError {
  override name = 'TemplateInvalidError';
  constructor(
    message: string,
    readonly part: 'subject' | 'body',
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/** A worker job kept the calendar's write lock longer than the operation may wait; nothing was changed. An HTTP API answers 409. */
export class CalendarBusyError extends ServiceError {
  override name = 'CalendarBusyError';
}

/** The calendar's write lock could not be taken (Redis out of reach); nothing was changed. An HTTP API answers 503. */
export class LockUnavailableError extends ServiceError {
  override name = 'LockUnavailableError';
}

/** A webhook URL that points where deliveries may not go (private, loopback, link-local); nothing was saved. */
export class WebhookTargetRefusedError extends ServiceError {
  override name = 'WebhookTargetRefusedError';
}
