import type { Command } from 'commander';

import { createUsersRepository, type User } from '@roombook/db';

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
      const user = await createUsersRepository(ctx.db()).create({ name: opts.name, email: opts.email });
      emit(ctx.io, command, userJson(user), `created user ${user.name} (id ${user.id})`);
    });

  withJson(group.command('list').description('list users'))
    .action(async (_opts: unknown, command: Command) => {
      const users = await createUsersRepository(ctx.db()).list();
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
