import type { Command } from 'commander';

import type { User } from '@roombook/db';
import { userService } from '@roombook/service';

import type { CliContext } from '../context.js';
import { emit, table, withJson } from '../output.js';
import { parseEmail, parseName } from '../validate.js';

function userJson(user: User) {
  return { id: user.id, name: user.name, email: user.email, createdAt: user.createdAt };
}

/** `roombook user create|list`: the people API keys and calendar grants belong to. */
export function registerUserCommands(program: Command, ctx: CliContext): void {
  const group = program.command('user').description('manage users (owners of API keys and calendar grants)');

  withJson(group.command('create').description('create a user'))
    .requiredOption('--name <name>', 'unique user name', parseName)
    .option('--email <email>', 'contact address', parseEmail)
    .action(async (opts: { name: string; email?: string }, command: Command) => {
      const user = await userService({ db: ctx.db() }).create({ name: opts.name, email: opts.email });
      emit(ctx.io, command, userJson(user), `created user ${user.name} (id ${user.id})`);
    });

  withJson(group.command('delete').description('delete a user with their API keys and calendar grants'))
    .requiredOption('--name <name>', 'the user', parseName)
    .option('--force', 'delete even though they have active API keys or calendar grants')
    .action(async (opts: { name: string; force?: boolean }, command: Command) => {
      const { user, keysDeleted, removed } = await userService({ db: ctx.db(), accessChanges: ctx.accessChanges() }).delete(opts.name, { force: opts.force === true });
      emit(
        ctx.io,
        command,
        { name: user.name, deleted: true, keysDeleted, alsoRemoved: removed },
        `deleted user ${user.name} and ${keysDeleted === 1 ? '1 API key' : `${keysDeleted} API keys`}` +
          (removed.length > 0 ? ` (with: ${removed.join(' and ')})` : ''),
      );
    });

  withJson(group.command('list').description('list users'))
    .action(async (_opts: unknown, command: Command) => {
      const users = await userService({ db: ctx.db() }).list();
      emit(ctx.io, command, users.map(userJson), () =>
        table(
          users,
          [
            { header: 'ID', value: (u) => u.id },
            { header: 'NAME', value: (u) => u.name },
            { header: 'EMAIL', value: (u) => u.email },
            { header: 'CREATED', value: (u) => u.createdAt },
          ],
          'no users',
        ),
      );
    });
}
