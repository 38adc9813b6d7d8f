import type { Command } from 'commander';

import { userService } from '@roombook/service';

import type { CliContext } from '../context.js';
import { emit, table, withJson } from '../output.js';
import { parseName } from '../validate.js';

/** `roombook key create|revoke|list`: API keys, of which only a hash and a visible prefix are stored. */
export function registerKeyCommands(program: Command, ctx: CliContext): void {
  const group = program.command('key').description('manage API keys');

  withJson(group.command('create').description('create an API key for a user and print its token (once)'))
    .requiredOption('--user <name>', 'owner of the key', parseName)
    .option('--label <label>', 'what the key is for', parseName)
    .option('--can-prioritize', 'the key may book with "prioritized": true (such events keep the room in a clear)')
    .action(async (opts: { user: string; label?: string; canPrioritize?: boolean }, command: Command) => {
      const key = await userService({ db: ctx.db() }).createKey({
        userName: opts.user,
        label: opts.label,
        canPrioritize: opts.canPrioritize === true,
      });
      emit(
        ctx.io,
        command,
        { prefix: key.prefix, user: key.user, label: key.label, canPrioritize: key.canPrioritize, createdAt: key.createdAt, token: key.token },
        // The token on a line of its own, last, so `| tail -n1` captures it; it cannot be shown again.
        `created key ${key.prefix} for user ${key.user}; its token is shown only now:\n${key.token}`,
      );
    });

  withJson(group.command('revoke').description('revoke an API key by its prefix'))
    .requiredOption('--prefix <prefix>', 'the key prefix shown by `key list`')
    .action(async (opts: { prefix: string }, command: Command) => {
      const key = await userService({ db: ctx.db(), accessChanges: ctx.accessChanges() }).revokeKey(opts.prefix);
      emit(ctx.io, command, { prefix: key.prefix, revokedAt: key.revokedAt }, `revoked key ${key.prefix}`);
    });

  withJson(group.command('list').description('list API keys (never their tokens)'))
    .action(async (_opts: unknown, command: Command) => {
      const keys = await userService({ db: ctx.db() }).listKeys();
      emit(ctx.io, command, keys, () =>
        table(
          keys,
          [
            { header: 'PREFIX', value: (k) => k.prefix },
            { header: 'USER', value: (k) => k.user },
            { header: 'LABEL', value: (k) => k.label },
            { header: 'PRIORITY', value: (k) => (k.canPrioritize ? 'yes' : 'no') },
            { header: 'CREATED', value: (k) => k.createdAt },
            { header: 'LAST USED', value: (k) => k.lastUsedAt },
            { header: 'REVOKED', value: (k) => k.revokedAt },
          ],
          'no API keys',
        ),
      );
    });
}
