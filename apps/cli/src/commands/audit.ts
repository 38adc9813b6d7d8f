import type { Command } from 'commander';

import { createAuditLogRepository, createCalendarsRepository } from '@roombook/db';

import type { CliContext } from '../context.js';
import { emit, table, withJson } from '../output.js';
import { integerIn, parseSlug } from '../validate.js';

/** `roombook audit list`: what clears and deletions changed, newest first. */
export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const group = program.command('audit').description('inspect the audit log of calendar changes');

  withJson(group.command('list').description('list recorded changes, newest first'))
    .option('--calendar <slug>', 'only this calendar', parseSlug)
    .option('--limit <n>', 'at most this many entries (default 100)', integerIn(1, 10_000))
    .action(async (opts: { calendar?: string; limit?: number }, command: Command) => {
      const db = ctx.db();
      const calendarId =
        opts.calendar === undefined ? undefined : (await createCalendarsRepository(db).requireBySlug(opts.calendar)).id;
      const entries = await createAuditLogRepository(db).list({ calendarId, limit: opts.limit ?? 100 });
      emit(ctx.io, command, entries, () =>
        table(
          entries,
          [
            { header: 'ID', value: (e) => e.id },
            { header: 'AT', value: (e) => e.at },
            { header: 'CALENDAR', value: (e) => e.calendar },
            { header: 'ACTION', value: (e) => e.action },
            { header: 'UID', value: (e) => e.uid },
            { header: 'RECURRENCE ID', value: (e) => e.recurrenceId },
            { header: 'JOB', value: (e) => e.jobId },
          ],
          'no audit entries',
        ),
      );
    });
}
