import type { Command } from 'commander';

import { WebhookEnv, composeEnv, loadConfig } from '@roombook/config';
import { checkWebhookEvents, checkWebhookUrl, webhookService } from '@roombook/service';

import type { CliContext } from '../context.js';
import { emit, table, withJson } from '../output.js';
import { asParser, integerIn, parseId, parseName } from '../validate.js';

/** `roombook webhook create|list|revoke|deliveries`: signed event deliveries to a user's receiver. */
export function registerWebhookCommands(program: Command, ctx: CliContext): void {
  const group = program.command('webhook').description('manage webhooks (signed event deliveries to a user\'s receiver)');
  const service = () =>
    webhookService({
      db: ctx.db(),
      secrets: () => ctx.secrets(),
      allowPrivateAddresses: loadConfig(composeEnv(WebhookEnv), ctx.io.env).WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    });

  withJson(group.command('create').description('create a webhook and print its signing secret (shown only this once)'))
    .requiredOption('--user <name>', 'the user whose events it receives', parseName)
    .requiredOption('--url <url>', 'http(s) URL the events are POSTed to', asParser(checkWebhookUrl))
    .option('--events <list>', 'comma-separated event types (default: all)', asParser(checkWebhookEvents))
    .action(async (opts: { user: string; url: string; events?: string[] }, command: Command) => {
      const created = await service().create({ user: opts.user, url: opts.url, events: opts.events });
      emit(
        ctx.io,
        command,
        created,
        `created webhook ${created.id} for user ${created.user} -> ${created.url} (${describeEvents(created.events)}).\n` +
          `Signing secret (shown only now; verify each delivery's webhook-signature with it):\n${created.secret}`,
      );
    });

  withJson(group.command('list').description('list webhooks (without secrets)'))
    .option('--user <name>', 'only this user\'s', parseName)
    .action(async (opts: { user?: string }, command: Command) => {
      const hooks = await service().list({ user: opts.user });
      emit(ctx.io, command, hooks, () =>
        table(
          hooks,
          [
            { header: 'ID', value: (h) => h.id },
            { header: 'USER', value: (h) => h.user },
            { header: 'URL', value: (h) => h.url },
            { header: 'EVENTS', value: (h) => describeEvents(h.events) },
            { header: 'CREATED', value: (h) => h.createdAt },
            { header: 'REVOKED', value: (h) => h.revokedAt },
          ],
          'no webhooks',
        ),
      );
    });

  withJson(group.command('revoke').description('stop a webhook\'s deliveries, queued retries included'))
    .requiredOption('--id <id>', 'the id shown by `webhook list`', parseId)
    .action(async (opts: { id: number }, command: Command) => {
      const revoked = await service().revoke(opts.id);
      emit(ctx.io, command, revoked, `revoked webhook ${revoked.id} (${revoked.url}); nothing more is sent to it`);
    });

  withJson(group.command('deliveries').description('show a webhook\'s delivery attempts, newest first'))
    .requiredOption('--id <id>', 'the id shown by `webhook list`', parseId)
    .option('--limit <n>', 'at most this many attempts', integerIn(1, 1000), 50)
    .action(async (opts: { id: number; limit: number }, command: Command) => {
      const { deliveries } = await service().deliveries(opts.id, { limit: opts.limit });
      emit(ctx.io, command, deliveries, () =>
        table(
          deliveries,
          [
            { header: 'AT', value: (d) => d.at },
            { header: 'MESSAGE', value: (d) => d.messageId },
            { header: 'EVENT', value: (d) => d.eventType },
            { header: 'ATTEMPT', value: (d) => d.attempt },
            { header: 'STATUS', value: (d) => d.statusCode },
            { header: 'MS', value: (d) => d.durationMs },
            { header: 'ERROR', value: (d) => d.error },
          ],
          `no deliveries to webhook ${opts.id} yet`,
        ),
      );
    });
}

function describeEvents(events: readonly string[]): string {
  return events.length === 0 ? 'all events' : events.join(', ');
}
