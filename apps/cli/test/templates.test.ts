import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectOneErrorLine, openDatabase, run, runJson, uniqueName } from './helpers.js';

const handle = openDatabase();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roombook-cli-templates-'));
});
afterAll(async () => {
  await handle.close();
  await rm(dir, { recursive: true, force: true });
});

const SUBJECT = 'Removed: {{ name }} ({{ calendar_name }})\n';
const BODY = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello, your booking {{ name }} in {{ calendar_name }} was removed.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;

async function files(subject: string, body: string): Promise<{ subject: string; body: string }> {
  const base = join(dir, uniqueName('t'));
  await writeFile(`${base}.subject`, subject);
  await writeFile(`${base}.mjml`, body);
  return { subject: `${base}.subject`, body: `${base}.mjml` };
}

describe('template', () => {
  it('validates and stores a template, then updates it in place', async () => {
    const name = uniqueName('tpl');
    const f = await files(SUBJECT, BODY);
    const created = await run(['template', 'set', '--name', name, '--subject-file', f.subject, '--body-file', f.body]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(new RegExp(`^created template ${name} \\(id \\d+\\)\\n$`));

    const row = await handle.db.query.emailTemplates.findFirst({ where: (t, { eq }) => eq(t.name, name) });
    // The subject file's trailing newline is not part of the subject.
    expect(row).toMatchObject({ subject: SUBJECT.trimEnd(), body: BODY });

    const g = await files('Changed {{ name }}', BODY);
    const updated = await runJson<{ id: number; created: boolean }>(['template', 'set', '--name', name, '--subject-file', g.subject, '--body-file', g.body]);
    expect(updated).toMatchObject({ id: row!.id, created: false });
    const after = await handle.db.query.emailTemplates.findFirst({ where: (t, { eq }) => eq(t.id, row!.id) });
    expect(after!.subject).toBe('Changed {{ name }}');
  });

  it('refuses an invalid template with the part and line, and stores nothing', async () => {
    const name = uniqueName('bad');
    const typo = BODY.replace('{{ calendar_name }}', '{{ calendar_nmae }}');
    const f = await files(SUBJECT, typo);
    const result = await run(['template', 'set', '--name', name, '--subject-file', f.subject, '--body-file', f.body]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toMatch(new RegExp(`template "${name}" is invalid: body, line 5: .*calendar_nmae`));

    const unclosed = await files('{% if name %}x', BODY);
    const subjectError = await run(['template', 'set', '--name', name, '--subject-file', unclosed.subject, '--body-file', unclosed.body]);
    expect(subjectError.code).toBe(1);
    expect(expectOneErrorLine(subjectError.stderr)).toMatch(/is invalid: subject/);

    expect(await handle.db.query.emailTemplates.findFirst({ where: (t, { eq }) => eq(t.name, name) })).toBeUndefined();
  });

  it('reports an unreadable file clearly', async () => {
    const result = await run([
      'template', 'set', '--name', uniqueName('nofile'), '--subject-file', join(dir, 'missing.txt'), '--body-file', join(dir, 'missing.mjml'),
    ]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain('cannot read --subject-file');
  });

  it('lists templates', async () => {
    const name = uniqueName('listed');
    const f = await files(SUBJECT, BODY);
    expect((await run(['template', 'set', '--name', name, '--subject-file', f.subject, '--body-file', f.body])).code).toBe(0);
    const text = await run(['template', 'list']);
    expect(text.stdout).toMatch(/^ID\s+NAME\s+UPDATED\s+SUBJECT/);
    expect(text.stdout).toContain(name);
    const listed = await runJson<{ name: string; subject: string; body?: string }[]>(['template', 'list']);
    expect(listed.find((t) => t.name === name)).toMatchObject({ subject: SUBJECT.trimEnd() });
    expect(listed.find((t) => t.name === name)).not.toHaveProperty('body');
  });

  it('previews a stored template with sample data, writing the HTML with --out', async () => {
    const name = uniqueName('pv');
    const f = await files(SUBJECT, BODY);
    expect((await run(['template', 'set', '--name', name, '--subject-file', f.subject, '--body-file', f.body])).code).toBe(0);

    const out = join(dir, `${name}.html`);
    const result = await run(['template', 'preview', '--name', name, '--out', out, '--timezone', 'Europe/Berlin']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Subject: Removed: .+ \(.+\)\n/);
    expect(result.stdout).toContain('your booking');
    expect(result.stdout).toContain(`HTML part written to ${out}`);
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/<html/i);
    expect(html).toContain('your booking');

    const json = await runJson<{ subject: string; html: string; text: string; timeZone: string }>(['template', 'preview', '--name', name]);
    expect(json.subject).toMatch(/^Removed: /);
    expect(json.html).toMatch(/<html/i);
    expect(json.text).toContain('was removed');
    expect(json.timeZone).toBe('UTC');
  });

  it('previews the built-in template and reports unknown names and misuse', async () => {
    const builtIn = await runJson<{ subject: string; html: string }>(['template', 'preview', '--default']);
    expect(builtIn.subject.length).toBeGreaterThan(0);
    expect(builtIn.html).toMatch(/<html/i);

    const unknown = await run(['template', 'preview', '--name', uniqueName('none')]);
    expect(unknown.code).toBe(1);
    expect(expectOneErrorLine(unknown.stderr)).toContain('unknown template');
    expect((await run(['template', 'preview'])).code).toBe(2);
  });
});
