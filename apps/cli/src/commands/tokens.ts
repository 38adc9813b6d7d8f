import { Option, type Command } from 'commander';

import { listedToken as listed, tokenHint, tokenService } from '@roombook/service';

import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { emit, table, withJson } from '../output.js';
import { parseId, parseName, parseSlug } from '../validate.js';

/** `roombook token create|list|revoke`: priority tokens, which make an event win overlaps. */
export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const group = program
    .command('token')
    .description('manage priority tokens (an event whose description contains one keeps its room)');

  withJson(group.command('create').description('create a priority token and print it'))
    .addOption(new Option('--calendar <slug>', 'valid for this calendar only').argParser(parseSlug).conflicts('allCalendars'))
    .option('--all-calendars', 'valid for every calendar')
    .option('--label <label>', 'who or what the token is for', parseName)
    .action(async (opts: { calendar?: string; allCalendars?: boolean; label?: string }, command: Command) => {
      if (opts.calendar === undefined && !opts.allCalendars) {
        throw new UsageError('one of --calendar <slug> or --all-calendars is required');
      }
      const created = await tokenService({ db: ctx.db() }).create({ calendar: opts.calendar ?? null, label: opts.label });
      emit(
        ctx.io,
        command,
        created,
        `created priority token ${created.id} for ${created.calendar === null ? 'all calendars' : `calendar ${created.calendar}`}; ` +
          `put it in an event's description to give it priority:\n${created.token}`,
      );
    });

  withJson(group.command('list').description('list priority tokens (shortened)'))
    .action(async (_opts: unknown, command: Command) => {
      const tokens = await tokenService({ db: ctx.db() }).list();
      emit(ctx.io, command, tokens, () =>
        table(
          tokens,
          [
            { header: 'ID', value: (t) => t.id },
            { header: 'TOKEN', value: (t) => t.tokenHint },
            { header: 'CALENDAR', value: (t) => t.calendar ?? '(all)' },
            { header: 'LABEL', value: (t) => t.label },
            { header: 'ACTIVE', value: (t) => t.active },
            { header: 'CREATED', value: (t) => t.createdAt },
            { header: 'REVOKED', value: (t) => t.revokedAt },
          ],
          'no priority tokens',
        ),
      );
    });

  withJson(group.command('revoke').description('deactivate a priority token, named by its text or its id'))
    .addOption(new Option('--token <token>', 'the token text').conflicts('id'))
    .option('--id <id>', 'the id shown by `token list`', parseId)
    .action(async (opts: { token?: string; id?: number }, command: Command) => {
      const ref =
        opts.id !== undefined ? { id: opts.id } : opts.token !== undefined ? { token: opts.token } : undefined;
      if (!ref) throw new UsageError('one of --token <token> or --id <id> is required');
      const revoked = await tokenService({ db: ctx.db() }).revoke(ref);
      emit(ctx.io, command, listed(revoked), `revoked priority token ${revoked.id} (${tokenHint(revoked.token)})`);
    });
}
