import type { Command } from 'commander';

import { auditService } from '@roombook/service';

import type { CliContext } from '../context.js';
import { emit, table, withJson } from '../output.js';
import { integerIn, parseId, parseSlug } from '../validate.js';

/** `roombook audit list|restore`: what clears and deletions changed, newest first, and undoing it. */
export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const group = program.command('audit').description('inspect the audit log of calendar changes');

  withJson(group.command('list').description('list recorded changes, newest first'))
    .option('--calendar <slug>', 'only this calendar', parseSlug)
    .option('--limit <n>', 'at most this many entries (default 100)', integerIn(1, 10_000))
    .action(async (opts: { calendar?: string; limit?: number }, command: Command) => {
      const entries = await auditService({ db: ctx.db(), secrets: () => ctx.secrets() }).list({ calendar: opts.calendar, limit: opts.limit });
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
            { header: 'STATE', value: (e) => e.state },
          ],
          'no audit entries',
        ),
      );
    });

  withJson(
    group
      .command('restore')
      .description('put a deleted or edited calendar object back as it was, unless it has changed since')
      .argument('<id>', 'the entry id shown by `audit list`', parseId)
      .option('--force', 'revert an edit even though the server gave no ETag after it (it cannot be checked for later changes)'),
  ).action(async (id: number, opts: { force?: boolean }, command: Command) => {
    // SECRET_KEY first: a missing one should not cost a database connection attempt.
    const secrets = ctx.secrets();
    const result = await auditService({ db: ctx.db(), secrets: () => secrets, calendarLock: ctx.calendarLock() }).restore(id, { force: opts.force === true });
    emit(
      ctx.io,
      command,
      result,
      `restored ${result.uid} in ${result.calendar} (entry ${result.id}): ` +
        `${result.method === 'recreated' ? 're-created the object' : `reverted the ${result.action === 'edited' ? '' : `${result.action} `}edit`}; ` +
        `recorded as entry ${result.auditId}`,
    );
  });
}
