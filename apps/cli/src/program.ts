import { Command } from 'commander';

import { registerAuditCommands } from './commands/audit.js';
import { registerCalendarCommands } from './commands/calendars.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerSecretCommands } from './commands/secrets.js';
import { registerTemplateCommands } from './commands/templates.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerUserCommands } from './commands/users.js';
import { registerWebhookCommands } from './commands/webhooks.js';
import { CliContext, type CliIo } from './context.js';
import { CommanderError, EXIT_OK, commanderExitCode, describeError } from './errors.js';

export type { CliIo } from './context.js';
export { CliContext } from './context.js';

/**
 * Commander echoes offending arguments; a mistyped `--pasword=…` or a URL with credentials must
 * not put a secret on the terminal (or in a CI log).
 */
function redactArguments(message: string): string {
  return message
    .replace(/'(--[^'=\s]+)=[^']*'/g, "'$1=…'")
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s']*@/gi, '$1***@');
}

/**
 * Builds the `roombook` command tree around one context. A fresh program per run: commander
 * keeps parsed option values on the command objects, so reusing one would leak state between runs.
 */
export function createProgram(deps: CliContext): Command {
  const { io } = deps;
  const program = new Command('roombook')
    .description('roombook administration: users, API keys, calendars, priority tokens, mail templates, webhooks, migrations')
    .option('--json', 'print one JSON document instead of text')
    // Subcommands copy these settings when created, so they must be set before any is added.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // Commander's message (plus an optional "Did you mean" line) as one `roombook: error:` line.
      outputError: (s, write) => write(`roombook: ${redactArguments(s.trim().replace(/\s*\n\s*/g, ' '))}\n`),
    })
    .showSuggestionAfterError(true);
  registerUserCommands(program, deps);
  registerKeyCommands(program, deps);
  registerCalendarCommands(program, deps);
  registerTokenCommands(program, deps);
  registerTemplateCommands(program, deps);
  registerAuditCommands(program, deps);
  registerMigrateCommand(program, deps);
  registerSecretCommands(program, deps);
  registerWebhookCommands(program, deps);
  return program;
}

/**
 * Runs one command line (without the `node script` prefix) and resolves to its exit code.
 * Never calls process.exit and never throws: every failure becomes one `roombook: error: …` line
 * on stderr, exit 1 for a failed command and 2 for a misused one.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const context = new CliContext(io);
  try {
    await createProgram(context).parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // Commander has printed its own message through outputError already.
    if (error instanceof CommanderError) return commanderExitCode(error);
    const { message, exitCode } = describeError(error, context.databaseUrlForErrors);
    io.stderr(`roombook: error: ${message}\n`);
    return exitCode;
  } finally {
    // A close failure (connection already gone) must not change the outcome being reported.
    await context.close().catch(() => undefined);
  }
}
