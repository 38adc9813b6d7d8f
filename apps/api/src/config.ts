import { ApiEnv, ConfigError, DbEnv, LogEnv, RateLimitEnv, RedisEnv, TimeEnv, composeEnv, loadConfig } from '@roombook/config';
import type { Static } from 'typebox';

export const ApiConfigSchema = composeEnv(DbEnv, RedisEnv, TimeEnv, ApiEnv, LogEnv, RateLimitEnv);
export type ApiConfig = Static<typeof ApiConfigSchema>;

/** Reads the API's environment; throws {@link ConfigError} naming each bad variable. */
export function loadApiConfig(env?: Record<string, string | undefined>): ApiConfig {
  return loadConfig(ApiConfigSchema, env);
}
export { ConfigError };
