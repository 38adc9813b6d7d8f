import {
  createCalendarsRepository,
  createPriorityTokensRepository,
  type Database,
  type PriorityTokenInfo,
} from '@roombook/db';

/**
 * Listings show only the start of a token: whoever holds one can win any overlap, so the full
 * text is shown once, at creation, like an API key's.
 */
export function tokenHint(token: string): string {
  return `${token.slice(0, 9)}…`;
}

/** A token as every listing shows it: without its full text. */
export function listedToken(t: PriorityTokenInfo) {
  return {
    id: t.id,
    tokenHint: tokenHint(t.token),
    calendar: t.calendar,
    label: t.label,
    active: t.active,
    createdAt: t.createdAt,
    revokedAt: t.revokedAt,
  };
}

export type ListedToken = ReturnType<typeof listedToken>;

/** Priority tokens, shared by the CLI and the admin API. */
export function tokenService(deps: { db: Database }) {
  const tokens = createPriorityTokensRepository(deps.db);
  return {
    /** A token for one calendar (by slug) or, with `calendar: null`, for every calendar; its text is in the result once. */
    async create(input: { calendar: string | null; label?: string | undefined }): Promise<PriorityTokenInfo> {
      const calendarId = input.calendar === null ? null : (await createCalendarsRepository(deps.db).requireBySlug(input.calendar)).id;
      return tokens.create({ calendarId, label: input.label });
    },

    async list(): Promise<ListedToken[]> {
      return (await tokens.list()).map(listedToken);
    },

    async revoke(ref: { id: number } | { token: string }): Promise<PriorityTokenInfo> {
      return tokens.revoke(ref);
    },
  };
}

export type TokenService = ReturnType<typeof tokenService>;
