import { randomBytes } from 'node:crypto';

import postgres from 'postgres';

import { migrateDatabase } from '@roombook/db';

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh, migrated database for one test run, dropped afterwards; runs never see each other's rows. */
export async function createTestDatabase(serverUrl = 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<TestDatabase> {
  const name = `roombook_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
