import { DbEnv, LogEnv, MailPolicyEnv, RedisEnv, SecretEnv, SmtpEnv, WebhookEnv, WorkerEnv, composeEnv, loadConfig } from '@roombook/config';
import type { Static } from 'typebox';

export const WorkerConfigSchema = composeEnv(DbEnv, RedisEnv, SecretEnv, WorkerEnv, SmtpEnv, LogEnv, MailPolicyEnv, WebhookEnv);
export type WorkerConfig = Static<typeof WorkerConfigSchema>;

export function loadWorkerConfig(env?: Record<string, string | undefined>): WorkerConfig {
  return loadConfig(WorkerConfigSchema, env);
}
