import type { Command } from 'commander';

import { migrateDatabase } from '@roombook/db';

import type { CliContext } from '../context.js';
import { emit, withJson } from '../output.js';

/** `roombook migrate`: creates the database if missing and applies pending migrations. */
export function registerMigrateCommand(program: Command, ctx: CliContext): void {
  withJson(program.command('migrate').description('create the database if missing and apply pending migrations'))
    .action(async (_opts: unknown, command: Command) => {
      // migrateDatabase uses its own dedicated connection; the pooled client is not needed.
      const { applied } = await migrateDatabase(ctx.databaseUrl());
      emit(
        ctx.io,
        command,
        { applied },
        applied === 0
          ? 'database is up to date (no migrations to apply)'
          : `applied ${applied} migration${applied === 1 ? '' : 's'}; database is up to date`,
      );
    });
}
