import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** The committed drizzle-kit output; resolved from this file so it works from src/ and dist/. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Creates the database if needed and applies every pending migration on a dedicated connection. */
export async function migrateDatabase(url: string): Promise<{ applied: number }> {
  await ensureDatabase(url);
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const before = await appliedMigrations(sql);
    await migrate(drizzle(sql), { migrationsFolder });
    const after = await appliedMigrations(sql);
    return { applied: after - before };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Refuses to run an app against a database that is behind the code: a missing column would
 * otherwise surface as a 500 on the first request that touches it.
 */
export async function assertMigrated(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const expected = journalEntries();
    const applied = await appliedMigrations(sql);
    if (applied < expected) {
      throw new Error(
        `database is not migrated (${applied} of ${expected} migrations applied): run \`npm run migrate\``,
      );
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function journalEntries(): number {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function appliedMigrations(sql: postgres.Sql): Promise<number> {
  const [exists] = await sql<{ t: string | null }[]>`select to_regclass('drizzle.__drizzle_migrations')::text as t`;
  if (!exists?.t) return 0;
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return row?.n ?? 0;
}
