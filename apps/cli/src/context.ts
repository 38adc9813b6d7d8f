import { ConfigError, DbEnv, RedisEnv, SecretEnv, TimeEnv, composeEnv, loadConfig } from '@roombook/config';
import { createDatabase, createSecretBox, type Database, type DatabaseHandle, type SecretBox } from '@roombook/db';
import { createProducerConnection } from '@roombook/queue';
import { redisAccessChanges, type AccessChanges, type CalendarLockDeps } from '@roombook/service';

import { CliError } from './errors.js';

/** Where a command writes and what environment it sees; tests pass plain functions and objects. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
}

/**
 * Everything a command needs, created lazily: `user list` must work without SECRET_KEY, and
 * `--help` or a usage error must not even open a database connection.
 */
export class CliContext {
  private handle: DatabaseHandle | undefined;
  private box: SecretBox | undefined;
  private changes: AccessChanges | undefined;
  private lockRedis: ReturnType<typeof createProducerConnection> | undefined;
  /** Set once DATABASE_URL has been read, so error messages can say which database failed. */
  databaseUrlForErrors: string | undefined;

  constructor(readonly io: CliIo) {}

  /** DATABASE_URL from the environment (validated, defaulted by @roombook/config). */
  databaseUrl(): string {
    const url = loadConfig(composeEnv(DbEnv), this.io.env).DATABASE_URL;
    this.databaseUrlForErrors = url;
    return url;
  }

  /** The pooled database client, opened on first use and closed by `close()`. */
  db(): Database {
    // A CLI command runs a handful of sequential queries: one or two connections are plenty.
    this.handle ??= createDatabase(this.databaseUrl(), { max: 2 });
    return this.handle.db;
  }

  /** Encrypts/decrypts CalDAV passwords; only the commands that touch a password ask for it. */
  secrets(): SecretBox {
    if (!this.box) {
      try {
        this.box = createSecretBox(loadConfig(composeEnv(SecretEnv), this.io.env).SECRET_KEY);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const problem = error.problems[0]?.message ?? 'is invalid';
        const what = problem.startsWith('must have required') ? 'is not set' : problem;
        throw new CliError(
          `SECRET_KEY ${what}: this command encrypts or decrypts CalDAV passwords and needs the key (at least 16 characters) they are stored with`,
        );
      }
    }
    return this.box;
  }

  /** Default zone for rendering times (TIME_ZONE, UTC unless set). */
  timeZone(): string {
    return loadConfig(composeEnv(TimeEnv), this.io.env).TIME_ZONE;
  }

  /**
   * Announces key and grant changes to the running API processes (REDIS_URL, QUEUE_PREFIX). When
   * Redis cannot be reached the change still stands; one warning says when the API will notice.
   */
  accessChanges(): AccessChanges {
    if (!this.changes) {
      const { REDIS_URL, QUEUE_PREFIX } = loadConfig(composeEnv(RedisEnv), this.io.env);
      this.changes = redisAccessChanges({
        url: REDIS_URL,
        prefix: QUEUE_PREFIX,
        onError: (error) =>
          this.io.stderr(
            `warning: could not tell the running API processes at once (Redis: ${error.message}); they notice within ACCESS_CACHE_TTL_MS (5 s by default)\n`,
          ),
      });
    }
    return this.changes;
  }

  /**
   * The workers' calendar locks (REDIS_URL, QUEUE_PREFIX), for commands that write CalDAV
   * (`audit restore`): connected on first use, failing at once when Redis is out of reach.
   */
  calendarLock(): CalendarLockDeps {
    const { REDIS_URL, QUEUE_PREFIX } = loadConfig(composeEnv(RedisEnv), this.io.env);
    return {
      prefix: QUEUE_PREFIX,
      redis: async () => {
        if (!this.lockRedis) {
          this.lockRedis = createProducerConnection(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, retryStrategy: () => null });
          this.lockRedis.on('error', () => {}); // the failed command reports it
          await this.lockRedis.connect();
        }
        return this.lockRedis;
      },
    };
  }

  async close(): Promise<void> {
    this.changes?.close();
    this.changes = undefined;
    // quit, not disconnect: the lock's release is sent without being awaited, and QUIT goes out
    // after it, so the calendar is not left locked until its lease runs out.
    const lockRedis = this.lockRedis;
    this.lockRedis = undefined;
    if (lockRedis) await lockRedis.quit().catch(() => lockRedis.disconnect());
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await handle.close();
  }
}
