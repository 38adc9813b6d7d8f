import { readFile, writeFile } from 'node:fs/promises';

import { Option, type Command } from 'commander';

import { templateService } from '@roombook/service';

import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { emit, table, withJson } from '../output.js';
import { parseName, parseTimeZone } from '../validate.js';

async function readOptionFile(option: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new CliError(`cannot read ${option} ${path}: ${reason}`);
  }
}

/** `roombook template set|list|preview`: Liquid + MJML mail templates for losing organizers. */
export function registerTemplateCommands(program: Command, ctx: CliContext): void {
  const group = program.command('template').description('manage mail templates');

  withJson(group.command('set').description('create or replace a template after validating it'))
    .requiredOption('--name <name>', 'template name (calendars refer to it)', parseName)
    .requiredOption('--subject-file <file>', 'file with the Liquid subject line')
    .requiredOption('--body-file <file>', 'file with the Liquid + MJML body')
    .action(async (opts: { name: string; subjectFile: string; bodyFile: string }, command: Command) => {
      // A subject is one line; editors end files with a newline that must not reach the header.
      const subject = await readOptionFile('--subject-file', opts.subjectFile);
      const body = await readOptionFile('--body-file', opts.bodyFile);
      const saved = await templateService({ db: ctx.db() }).set({ name: opts.name, subject, body });
      emit(
        ctx.io,
        command,
        { id: saved.id, name: saved.name, created: saved.created, updatedAt: saved.updatedAt },
        `${saved.created ? 'created' : 'updated'} template ${saved.name} (id ${saved.id})`,
      );
    });

  withJson(group.command('list').description('list templates'))
    .action(async (_opts: unknown, command: Command) => {
      const templates = await templateService({ db: ctx.db() }).list();
      emit(ctx.io, command, templates, () =>
        table(
          templates,
          [
            { header: 'ID', value: (t) => t.id },
            { header: 'NAME', value: (t) => t.name },
            { header: 'UPDATED', value: (t) => t.updatedAt },
            { header: 'SUBJECT', value: (t) => t.subject },
          ],
          'no templates (calendars use the built-in one)',
        ),
      );
    });

  withJson(group.command('preview').description('render a template with sample data'))
    .addOption(new Option('--name <name>', 'the stored template').argParser(parseName).conflicts('default'))
    .option('--default', 'the built-in template')
    .option('--timezone <zone>', 'zone for the sample times (default: TIME_ZONE, else UTC)', parseTimeZone)
    .option('--out <file>', 'write the HTML part to this file')
    .action(async (opts: { name?: string; default?: boolean; timezone?: string; out?: string }, command: Command) => {
      if (opts.name === undefined && !opts.default) throw new UsageError('one of --name <name> or --default is required');
      const timeZone = opts.timezone ?? ctx.timeZone();
      const rendered = await templateService({ db: ctx.db() }).preview(opts.name ?? null, timeZone);
      if (opts.out !== undefined) {
        try {
          await writeFile(opts.out, rendered.html, 'utf8');
        } catch (error) {
          throw new CliError(`cannot write --out ${opts.out}: ${(error as { code?: string }).code ?? String(error)}`);
        }
      }
      emit(
        ctx.io,
        command,
        { name: opts.name ?? null, timeZone, ...rendered, out: opts.out ?? null },
        () =>
          `Subject: ${rendered.subject}\n\n${rendered.text.trimEnd()}\n\n` +
          (opts.out === undefined
            ? `(HTML part: ${rendered.html.length} characters; add --out FILE.html to save it)`
            : `HTML part written to ${opts.out}`),
      );
    });
}
