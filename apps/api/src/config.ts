import { ApiEnv, ConfigError, DbEnv, LogEnv, RateLimitEnv, RedisEnv, SecretEnv, TimeEnv, WebhookEnv, composeEnv, loadConfig } from '@roombook/config';
import { Type, type Static } from 'typebox';

/** How long an API process may trust a cached key or grant when no access-change message reaches it. */
const AccessCacheEnv = Type.Object({
  ACCESS_CACHE_TTL_MS: Type.Integer({ default: 5000, minimum: 0, maximum: 60_000 }),
});

/**
 * How long an API process may answer the same availability query (same user, same parameters) from
 * memory (issue 12): kiosks ask the same question many times a minute. 0 = never.
 */
const AvailabilityCacheEnv = Type.Object({
  AVAILABILITY_CACHE_MS: Type.Integer({ default: 1000, minimum: 0, maximum: 60_000 }),
});

/**
 * SECRET_KEY is optional for the API: bookings never need it, only the admin operations that
 * store, test or use a CalDAV password (calendar create/update, test connection, audit restore).
 */
const AdminSecretEnv = Type.Partial(SecretEnv);

/** The admin API creates webhooks and applies the same address rule as the CLI and the worker. */
const AdminWebhookEnv = Type.Pick(WebhookEnv, ['WEBHOOK_ALLOW_PRIVATE_ADDRESSES']);

export const ApiConfigSchema = composeEnv(DbEnv, RedisEnv, TimeEnv, ApiEnv, LogEnv, AccessCacheEnv, AvailabilityCacheEnv, AdminSecretEnv, RateLimitEnv, AdminWebhookEnv);
export type ApiConfig = Static<typeof ApiConfigSchema>;

/** Reads the API's environment; throws {@link ConfigError} naming each bad variable. */
export function loadApiConfig(env?: Record<string, string | undefined>): ApiConfig {
  return loadConfig(ApiConfigSchema, env);
}
export { ConfigError };
