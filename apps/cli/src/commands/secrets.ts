import type { Command } from 'commander';

import { ConfigError, SecretEnv, composeEnv, loadConfig } from '@roombook/config';
import { createSecretBox } from '@roombook/db';
import { calendarService } from '@roombook/service';

import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { emit, withJson } from '../output.js';

/**
 * `roombook secret rotate --new-key-env VAR`: re-encrypts every stored CalDAV password under a new
 * SECRET_KEY (issue 10). The new key is read from a variable, never from the command line, so it
 * stays out of shell history and `ps`.
 */
export function registerSecretCommands(program: Command, ctx: CliContext): void {
  const group = program.command('secret').description('the SECRET_KEY that encrypts stored CalDAV passwords');

  withJson(group.command('rotate').description('re-encrypt every stored CalDAV password and webhook secret under a new SECRET_KEY, in one transaction'))
    .requiredOption('--new-key-env <var>', 'environment variable holding the new key (at least 16 characters)')
    .action(async (opts: { newKeyEnv: string }, command: Command) => {
      const value = ctx.io.env[opts.newKeyEnv];
      if (value === undefined || value === '') {
        throw new UsageError(`environment variable ${opts.newKeyEnv} (named by --new-key-env) is not set or empty`);
      }
      try {
        loadConfig(composeEnv(SecretEnv), { SECRET_KEY: value });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new UsageError(`the new key in ${opts.newKeyEnv} ${error.problems[0]?.message ?? 'is invalid'} (at least 16 characters)`);
      }
      const current = ctx.secrets();
      if (value === loadConfig(composeEnv(SecretEnv), ctx.io.env).SECRET_KEY) {
        throw new UsageError(`${opts.newKeyEnv} holds the current SECRET_KEY; give a new one`);
      }
      const service = calendarService({ db: ctx.db(), secrets: () => current });
      const { rotated, webhooks } = await service.rotateSecrets(createSecretBox(value));
      emit(
        ctx.io,
        command,
        { rotated, webhooks },
        `re-encrypted the CalDAV passwords of ${rotated.length} calendar${rotated.length === 1 ? '' : 's'} under the new key` +
          `${rotated.length > 0 ? ` (${rotated.join(', ')})` : ''}` +
          `${webhooks.length > 0 ? `, and the signing secrets of ${webhooks.length} webhook${webhooks.length === 1 ? '' : 's'}` : ''}. Now set SECRET_KEY to the new key for every roombook process ` +
          '(API, worker, CLI: usually in .env) and restart the workers; until then they cannot read the passwords.',
      );
    });
}
