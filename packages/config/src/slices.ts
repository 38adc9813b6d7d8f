import { Type } from 'typebox';

/**
 * Environment slices. Each app composes the slices it needs into one schema, so a process only
 * demands the variables it actually uses (the API never needs SMTP, the CLI never needs PORT).
 * Defaults live here and nowhere else; the README and .env.example list the same names.
 */

// Database
export const DbEnv = Type.Object({
  DATABASE_URL: Type.String({
    default: 'postgres://postgres@127.0.0.1:5432/roombook',
    pattern: '^postgres(ql)?://',
    description: 'PostgreSQL connection URL; the database is created if missing',
  }),
});

// Redis / queues
export const RedisEnv = Type.Object({
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  QUEUE_PREFIX: Type.String({
    default: 'roombook',
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'BullMQ key prefix; lets several deployments share one Redis',
  }),
});

// Time
export const TimeEnv = Type.Object({
  TIME_ZONE: Type.String({ default: 'UTC', description: 'IANA zone for naive datetimes in requests' }),
});

// Secrets
export const SecretEnv = Type.Object({
  SECRET_KEY: Type.String({ minLength: 16, description: 'encrypts CalDAV passwords at rest' }),
});

// HTTP API
export const ApiEnv = Type.Object({
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: Type.Integer({ default: 8000, minimum: 1, maximum: 65535 }),
  ADMIN_TOKEN: Type.Optional(
    Type.String({ minLength: 12, description: 'password of user "admin" for /admin/queues' }),
  ),
});

// Logging
export const LogEnv = Type.Object({
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

// Worker
export const WorkerEnv = Type.Object({
  WORKER_CONCURRENCY: Type.Integer({ default: 4, minimum: 1, maximum: 64 }),
  CALDAV_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 1000 }),
  JOB_LOCK_MS: Type.Integer({
    default: 60_000,
    minimum: 1000,
    description: 'how long a job stays claimed by a worker that stopped renewing the claim; a crashed worker\'s jobs restart after about this long',
  }),
  AUTO_CLEAR_AFTER_BOOKING_MS: Type.Integer({
    default: 10_000,
    minimum: 0,
    description: 'auto_clear calendars are cleared this long after a new booking (bookings in between share one clear)',
  }),
  MAIL_ATTEMPTS: Type.Integer({ default: 6, minimum: 1, maximum: 50, description: 'tries per notification mail' }),
  MAIL_RETRY_DELAY_MS: Type.Integer({ default: 5000, minimum: 10, description: 'first retry delay; doubles each time' }),
  WORKER_SHUTDOWN_TIMEOUT_MS: Type.Integer({
    default: 30_000,
    minimum: 0,
    description: 'on SIGTERM/SIGINT, how long active jobs may run on before the worker exits anyway (exit code 1; the jobs are retried)',
  }),
  MIRROR_REFRESH_SECONDS: Type.Integer({
    default: 60,
    minimum: 5,
    description: "how often each room calendar's store (the availability mirror) is refreshed from its CalDAV server; an unchanged calendar costs one small request",
  }),
  MIRROR_WRITE_DELAY_MS: Type.Integer({
    default: 1000,
    minimum: 0,
    maximum: 60_000,
    description: "how long after one of our own writes the store of a conflict_policy=allow room is refreshed (reject rooms: at once); writes within it share one refresh",
  }),
  WORKER_METRICS_INTERVAL_MS: Type.Integer({
    default: 15_000,
    minimum: 100,
    description: "how often a worker hands its metrics to the API's GET /metrics (through Redis)",
  }),
});

// SMTP (names and meaning as in the original app)
export const SmtpEnv = Type.Object({
  SMTP_SERVER: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_EMAIL: Type.Optional(Type.String({ minLength: 3 })),
  SMTP_PASSWORD: Type.Optional(Type.String()),
  SMTP_USER_NAME: Type.Optional(Type.String()),
  SMTP_SENDER_NAME: Type.Optional(Type.String()),
  SMTP_BCC: Type.Optional(Type.String()),
  SMTP_STARTTLS: Type.Boolean({ default: false }),
  SMTP_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  SMTP_TLS_REJECT_UNAUTHORIZED: Type.Boolean({ default: true }),
});

// Rate limits of the API (issue 10), counted in Redis so they hold across API processes.
// Defaults that a normal integration never meets.
export const RateLimitEnv = Type.Object({
  RATE_LIMIT_JOBS_MAX: Type.Integer({ default: 300, minimum: 1, description: 'job-creating requests (book, cancel, clear, freebusy fresh=true) per API key per window' }),
  RATE_LIMIT_JOBS_WINDOW_SECONDS: Type.Integer({ default: 60, minimum: 1 }),
  RATE_LIMIT_AUTH_FAILURES_MAX: Type.Integer({ default: 30, minimum: 1, description: 'failed authentications (API key or admin Basic auth) per client address per window' }),
  RATE_LIMIT_AUTH_WINDOW_SECONDS: Type.Integer({ default: 300, minimum: 1 }),
  RATE_LIMIT_WAITS_MAX: Type.Integer({ default: 20, minimum: 0, description: '`Prefer: wait` requests one API key may hold open at once; more are answered 202 at once' }),
});

// Who may receive notification mails (issue 10).
export const MailPolicyEnv = Type.Object({
  MAIL_ALLOWED_DOMAINS: Type.String({
    default: '',
    description: 'comma-separated domains that may receive notifications; empty = the domains of the calendars\' room addresses and of users\' e-mails',
  }),
});

// Webhooks (issue 12). Retries double from WEBHOOK_RETRY_DELAY_MS: with the defaults the 14
// waits add up to 5 s × (2^14 − 1) ≈ 22.8 h, so a receiver has about a day to come back.
export const WebhookEnv = Type.Object({
  WEBHOOK_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, maximum: 120_000, description: 'how long one delivery attempt may take before it counts as failed' }),
  WEBHOOK_ATTEMPTS: Type.Integer({ default: 15, minimum: 1, maximum: 30, description: 'tries per webhook message (the first one included)' }),
  WEBHOOK_RETRY_DELAY_MS: Type.Integer({ default: 5000, minimum: 10, description: 'wait before the first retry; doubles each time' }),
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: Type.Boolean({
    default: false,
    description: 'webhook URLs may point at loopback and private networks (10/8, 172.16/12, 192.168/16, fc00::/7…); link-local and cloud metadata addresses stay refused',
  }),
});

/** `npm run bench` knobs (README "Performance"); read by the bench scripts only, never by a service. */
export const BenchEnv = Type.Object({
  ROOMBOOK_BENCH_SECONDS: Type.Integer({ default: 10, minimum: 1, description: 'length of each autocannon load run' }),
  ROOMBOOK_BENCH_SOAK_JOBS: Type.Integer({ default: 50_000, minimum: 0, description: "create jobs in the worker's memory soak; 0 skips it" }),
  ROOMBOOK_BENCH_CPU_PROF: Type.Optional(Type.String({ minLength: 1, description: 'folder for V8 CPU profiles of the measured process' })),
  ROOMBOOK_BENCH_WORKER_SETTINGS: Type.Boolean({
    default: true,
    description: "start the benches' worker (e2e, clear-store) with its process settings (Node flags, glibc malloc settings); false: Node's defaults, to compare",
  }),
});
