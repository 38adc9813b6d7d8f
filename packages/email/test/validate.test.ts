import { describe, expect, it } from 'vitest';
import { renderNotification, TemplateError, validateTemplate } from '../src/index.js';
import { mjmlDoc, testVariables } from './helpers.js';

/** The TemplateError a promise rejects with (fails the test if it resolves or throws something else). */
async function templateError(promise: Promise<unknown>): Promise<TemplateError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

const subject = 'Removed: {{ name }}';

describe('validateTemplate: broken Liquid', () => {
  it('reports an unclosed tag with its line', async () => {
    const body = ['<mjml>', '<mj-body>', '{% if is_deleted %}', '<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>', '</mj-body>', '</mjml>'].join('\n');
    const error = await templateError(validateTemplate({ subject, body }));
    expect(error.part).toBe('body');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^body, line 3: .*not closed/);
  });

  it('reports an unknown filter (strictFilters) with its line', async () => {
    const body = mjmlDoc('\n\n{{ name | shout }}');
    const error = await templateError(validateTemplate({ subject, body }));
    expect(error.line).toBe(7);
    expect(error.message).toMatch(/undefined filter: shout/);
  });

  it('reports a misspelt variable', async () => {
    const error = await templateError(validateTemplate({ subject: 'Removed: {{ nmae }}', body: mjmlDoc('x') }));
    expect(error.message).toMatch(/^subject, line 1: undefined variable: nmae/);
  });

  it('refuses an empty subject or body', async () => {
    expect((await templateError(validateTemplate({ subject: ' ', body: mjmlDoc('x') }))).message).toBe('subject: is empty');
    expect((await templateError(validateTemplate({ subject: '{% if false %}x{% endif %}', body: mjmlDoc('x') }))).message).toMatch(
      /subject: renders empty/,
    );
  });
});

describe('validateTemplate: invalid MJML (strict)', () => {
  it('names the unknown tag and its line in the template, even when Liquid removed lines above it', async () => {
    const body = [
      '<mjml>', //                                                                   1
      '  <mj-body>', //                                                              2
      '    {% if is_cancelled %}', //                                                3
      '    <mj-section><mj-column><mj-text>cancelled</mj-text></mj-column></mj-section>', // 4
      '    {% endif %}', //                                                          5
      '    <mj-section><mj-column>', //                                              6
      '      <mj-txt>{{ name }}</mj-txt>', //                                        7
      '    </mj-column></mj-section>', //                                            8
      '  </mj-body>', //                                                             9
      '</mjml>', //                                                                  10
    ].join('\n');
    const error = await templateError(validateTemplate({ subject, body }));
    expect(error.line).toBe(7);
    expect(error.message).toBe("body, line 7: invalid MJML: Element mj-txt doesn't exist or is not registered");
  });

  it('reports a bad attribute value and a misplaced element', async () => {
    const badAttr = await templateError(
      validateTemplate({ subject, body: mjmlDoc('x').replace('<mj-text>', '<mj-text padding="lots">') }),
    );
    expect(badAttr.line).toBe(5);
    expect(badAttr.message).toMatch(/Attribute padding has invalid value: lots/);

    const misplaced = await templateError(
      validateTemplate({ subject, body: '<mjml>\n<mj-body>\n<mj-text>loose</mj-text>\n</mj-body>\n</mjml>' }),
    );
    expect(misplaced.line).toBe(3);
    expect(misplaced.message).toMatch(/mj-text cannot be used inside mj-body/);
  });

  it('refuses a body that is not MJML at all', async () => {
    const error = await templateError(validateTemplate({ subject, body: '<p>Hello {{ name }}</p>' }));
    expect(error.message).toMatch(/^body, line 1: invalid MJML: Element p doesn't exist/);
  });

  it('also checks branches that only the second sample set takes', async () => {
    const body = mjmlDoc('x').replace(
      '</mj-column>',
      '{% if is_cancelled %}<mj-buton>cancelled</mj-buton>{% endif %}\n      </mj-column>',
    );
    const error = await templateError(validateTemplate({ subject, body }));
    expect(error.message).toMatch(/mj-buton/);
  });
});

describe('hostile templates', () => {
  const render = (body: string) =>
    renderNotification({ template: { subject: 's', body: mjmlDoc(body) }, variables: testVariables(), timeZone: 'UTC' });

  it('cannot reach constructors, prototypes or process', async () => {
    const { html } = await render(
      [
        '[{{ name.constructor }}]',
        '[{{ start.constructor }}]',
        '[{{ overlap_events.constructor.name }}]',
        '[{{ name.__proto__ }}]',
        '[{{ start.__proto__.constructor }}]',
        '[{{ process.env }}]',
        '[{{ constructor }}]',
        '[{{ overlap_events.first.constructor.constructor }}]',
      ].join(''),
    );
    expect(html).toContain('[][][][][][][][]');
    expect(html).not.toMatch(/function|native code|Object|Function/);
  });

  it('cannot call functions', async () => {
    const error = await templateError(render('{{ name.constructor.constructor("return process")() }}'));
    expect(error.part).toBe('body');
  });

  it.each([
    ["{% include '/etc/passwd' %}", 'include'],
    ["{% render '/etc/passwd' %}", 'render'],
    ["{% render 'footer' with name %}", 'render'],
    ["{% layout '/etc/hostname' %}", 'layout'],
  ])('refuses %s', async (tag, name) => {
    const body = mjmlDoc(tag);
    const onSave = await templateError(validateTemplate({ subject: 's', body }));
    expect(onSave.message).toContain(`tag "${name}" is not allowed`);
    expect(onSave.line).toBe(5);
    const onSend = await templateError(render(tag));
    expect(onSend.message).not.toContain('root:');
  });

  it('stops a huge range at the memory limit', async () => {
    const error = await templateError(render('{% for i in (1..100000000) %}x{% endfor %}'));
    expect(error.message).toMatch(/memory alloc limit exceeded/);
  });

  it('stops string doubling at the memory limit', async () => {
    const error = await templateError(
      render("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}"),
    );
    expect(error.message).toMatch(/memory alloc limit exceeded/);
  });

  it('stops a long-running nested loop at the render limit', async () => {
    // The limit, not the clock, ends it: the message names the render limit (9 million steps otherwise).
    const error = await templateError(
      render('{% for i in (1..3000) %}{% for j in (1..3000) %}{% assign k = j %}{% endfor %}{% endfor %}'),
    );
    expect(error.message).toMatch(/render limit exceeded/);
  });

  it('refuses absurd date formats instead of allocating them', async () => {
    const error = await templateError(render(`{{ start | date: '${'%Y'.repeat(200)}' }}`));
    expect(error.message).toMatch(/date format longer than/);
    // Padding widths are not supported: printed as written, never expanded.
    const { text } = await render("{{ start | date: '%999999999d' }}");
    expect(text).toBe('%999999999d');
  });
});
