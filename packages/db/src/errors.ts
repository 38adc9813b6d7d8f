/** A row the caller named does not exist (unknown user, calendar, key…). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A unique value is already taken (duplicate slug, user name, template name…). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** Turns PostgreSQL's unique-violation into a ConflictError with our own message. */
export async function unique<T>(work: Promise<T>, message: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const code = (error as { code?: string; cause?: { code?: string } }).code ??
      (error as { cause?: { code?: string } }).cause?.code;
    if (code === '23505') throw new ConflictError(message);
    throw error;
  }
}
